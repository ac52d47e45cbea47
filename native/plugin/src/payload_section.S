/* The section `falco-plugin build` fills with the plugin's payload (static information + bundle).
   Not allocated: the library reads it from its own file when it is loaded (payload.cc). The build
   appends the payload to the file and points this section's header at it. */
    .section .falco_ts_payload,"",@progbits
    .byte 0
    .section .note.GNU-stack,"",@progbits
