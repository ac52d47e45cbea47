/**
 * Name tables of the flag, mode and enumeration parameters, in the order libsinsp resolves them: for
 * flags, an entry matches when all its bits are set, and its bits are then taken out (so `O_RDWR` comes
 * before `O_WRONLY` and `O_RDONLY`); an entry of value 0 matches only a value of 0.
 */

/** One name of a flag table and its value. */
export type FlagEntry = readonly [name: string, value: number];
/** A flag table: names with their values. */
export type FlagTable = readonly FlagEntry[];

/** Open flags (`PPM_O_*`, and the `FD_*_LAYER` overlay bits), of open, openat, openat2, socket and dup3. */
export const OPEN_FLAGS = [
  ['O_LARGEFILE', 0x800],
  ['O_DIRECTORY', 0x400],
  ['O_DIRECT', 0x200],
  ['O_TRUNC', 0x100],
  ['O_SYNC', 0x80],
  ['O_NONBLOCK', 0x40],
  ['O_EXCL', 0x20],
  ['O_DSYNC', 0x10],
  ['O_APPEND', 0x8],
  ['O_CREAT', 0x4],
  ['O_RDWR', 0x3],
  ['O_WRONLY', 0x2],
  ['O_RDONLY', 0x1],
  ['O_CLOEXEC', 0x1000],
  ['O_NONE', 0x0],
  ['O_TMPFILE', 0x2000],
  ['O_F_CREATED', 0x4000],
  ['FD_UPPER_LAYER', 0x8000],
  ['FD_LOWER_LAYER', 0x10000],
] as const satisfies FlagTable;

/** The overlay bits of creat (`PPM_FD_*_LAYER_CREAT`). */
export const CREAT_FLAGS = [
  ['FD_UPPER_LAYER_CREAT', 0x1],
  ['FD_LOWER_LAYER_CREAT', 0x2],
] as const satisfies FlagTable;

/** Clone flags (`PPM_CL_*`) of clone, clone3, fork and vfork. */
export const CLONE_FLAGS = [
  ['CLONE_FILES', 0x1],
  ['CLONE_FS', 0x2],
  ['CLONE_IO', 0x4],
  ['CLONE_NEWIPC', 0x8],
  ['CLONE_NEWNET', 0x10],
  ['CLONE_NEWNS', 0x20],
  ['CLONE_NEWPID', 0x40],
  ['CLONE_NEWUTS', 0x80],
  ['CLONE_PARENT', 0x100],
  ['CLONE_PARENT_SETTID', 0x200],
  ['CLONE_PTRACE', 0x400],
  ['CLONE_SIGHAND', 0x800],
  ['CLONE_SYSVSEM', 0x1000],
  ['CLONE_THREAD', 0x2000],
  ['CLONE_UNTRACED', 0x4000],
  ['CLONE_VM', 0x8000],
  ['CLONE_INVERTED', 0x10000],
  ['NAME_CHANGED', 0x20000],
  ['CLOSED', 0x40000],
  ['CLONE_NEWUSER', 0x100000],
  ['CLONE_CHILD_CLEARTID', 0x800000],
  ['CLONE_CHILD_SETTID', 0x1000000],
  ['CLONE_SETTLS', 0x2000000],
  ['CLONE_STOPPED', 0x4000000],
  ['CLONE_VFORK', 0x8000000],
  ['CLONE_NEWCGROUP', 0x10000000],
  ['CLONE_CHILD_IN_PIDNS', 0x20000000],
] as const satisfies FlagTable;

/** Memory protection flags (`PPM_PROT_*`) of mmap and mprotect. */
export const PROT_FLAGS = [
  ['PROT_READ', 0x1],
  ['PROT_WRITE', 0x2],
  ['PROT_EXEC', 0x4],
  ['PROT_SEM', 0x8],
  ['PROT_GROWSDOWN', 0x10],
  ['PROT_GROWSUP', 0x20],
  ['PROT_SAO', 0x40],
  ['PROT_NONE', 0x0],
] as const satisfies FlagTable;

/** Mapping flags (`PPM_MAP_*`) of mmap. */
export const MMAP_FLAGS = [
  ['MAP_SHARED', 0x1],
  ['MAP_PRIVATE', 0x2],
  ['MAP_FIXED', 0x4],
  ['MAP_ANONYMOUS', 0x8],
  ['MAP_32BIT', 0x10],
  ['MAP_RENAME', 0x20],
  ['MAP_NORESERVE', 0x40],
  ['MAP_POPULATE', 0x80],
  ['MAP_NONBLOCK', 0x100],
  ['MAP_GROWSDOWN', 0x200],
  ['MAP_DENYWRITE', 0x400],
  ['MAP_EXECUTABLE', 0x800],
  ['MAP_INHERIT', 0x1000],
  ['MAP_FILE', 0x2000],
  ['MAP_LOCKED', 0x4000],
] as const satisfies FlagTable;

/** Flags of unlinkat. */
export const UNLINKAT_FLAGS = [['AT_REMOVEDIR', 0x200]] as const satisfies FlagTable;

/** Flags of renameat2. */
export const RENAMEAT2_FLAGS = [
  ['RENAME_NOREPLACE', 0x1],
  ['RENAME_EXCHANGE', 0x2],
  ['RENAME_WHITEOUT', 0x4],
] as const satisfies FlagTable;

/** The `resolve` flags of openat2. */
export const OPENAT2_RESOLVE_FLAGS = [
  ['RESOLVE_BENEATH', 0x1],
  ['RESOLVE_IN_ROOT', 0x2],
  ['RESOLVE_NO_MAGICLINKS', 0x4],
  ['RESOLVE_NO_SYMLINKS', 0x8],
  ['RESOLVE_NO_XDEV', 0x10],
  ['RESOLVE_CACHED', 0x20],
] as const satisfies FlagTable;

/** Flags about the executable of execve and execveat (`PPM_EXE_*`). */
export const EXECVE_FLAGS = [
  ['EXE_WRITABLE', 0x1],
  ['EXE_UPPER_LAYER', 0x2],
  ['EXE_FROM_MEMFD', 0x4],
  ['EXE_LOWER_LAYER', 0x8],
] as const satisfies FlagTable;

/** Flags of the execveat call (`PPM_EXVAT_*`). */
export const EXECVEAT_FLAGS = [
  ['AT_EMPTY_PATH', 0x1],
  ['AT_SYMLINK_NOFOLLOW', 0x2],
] as const satisfies FlagTable;

/** Permission bits (`PPM_S_I*`) of chmod, fchmod and fchmodat. */
export const FILE_MODE_BITS = [
  ['S_IXOTH', 0x1],
  ['S_IWOTH', 0x2],
  ['S_IROTH', 0x4],
  ['S_IXGRP', 0x8],
  ['S_IWGRP', 0x10],
  ['S_IRGRP', 0x20],
  ['S_IXUSR', 0x40],
  ['S_IWUSR', 0x80],
  ['S_IRUSR', 0x100],
  ['S_ISVTX', 0x200],
  ['S_ISGID', 0x400],
  ['S_ISUID', 0x800],
] as const satisfies FlagTable;

/** Socket families (`PPM_AF_*`), an enumeration: one value, possibly several names. */
export const SOCKET_FAMILIES = [
  ['AF_NFC', 0x27],
  ['AF_ALG', 0x26],
  ['AF_CAIF', 0x25],
  ['AF_IEEE802154', 0x24],
  ['AF_PHONET', 0x23],
  ['AF_ISDN', 0x22],
  ['AF_RXRPC', 0x21],
  ['AF_IUCV', 0x20],
  ['AF_BLUETOOTH', 0x1f],
  ['AF_TIPC', 0x1e],
  ['AF_CAN', 0x1d],
  ['AF_LLC', 0x1a],
  ['AF_WANPIPE', 0x19],
  ['AF_PPPOX', 0x18],
  ['AF_IRDA', 0x17],
  ['AF_SNA', 0x16],
  ['AF_RDS', 0x15],
  ['AF_ATMSVC', 0x14],
  ['AF_ECONET', 0x13],
  ['AF_ASH', 0x12],
  ['AF_PACKET', 0x11],
  ['AF_ROUTE', 0x10],
  ['AF_NETLINK', 0x10],
  ['AF_KEY', 0xf],
  ['AF_SECURITY', 0xe],
  ['AF_NETBEUI', 0xd],
  ['AF_DECnet', 0xc],
  ['AF_ROSE', 0xb],
  ['AF_INET6', 0xa],
  ['AF_X25', 0x9],
  ['AF_ATMPVC', 0x8],
  ['AF_BRIDGE', 0x7],
  ['AF_NETROM', 0x6],
  ['AF_APPLETALK', 0x5],
  ['AF_IPX', 0x4],
  ['AF_AX25', 0x3],
  ['AF_INET', 0x2],
  ['AF_LOCAL', 0x1],
  ['AF_UNIX', 0x1],
  ['AF_UNSPEC', 0x0],
] as const satisfies FlagTable;

/** Requests of ptrace (`PPM_PTRACE_*`), an enumeration. */
export const PTRACE_REQUESTS = [
  ['PTRACE_SINGLEBLOCK', 0x26],
  ['PTRACE_SYSEMU_SINGLESTEP', 0x25],
  ['PTRACE_SYSEMU', 0x24],
  ['PTRACE_ARCH_PRCTL', 0x23],
  ['PTRACE_SET_THREAD_AREA', 0x22],
  ['PTRACE_GET_THREAD_AREA', 0x21],
  ['PTRACE_OLDSETOPTIONS', 0x20],
  ['PTRACE_SETFPXREGS', 0x1f],
  ['PTRACE_GETFPXREGS', 0x1e],
  ['PTRACE_SETFPREGS', 0x1d],
  ['PTRACE_GETFPREGS', 0x1c],
  ['PTRACE_SETREGS', 0x1b],
  ['PTRACE_GETREGS', 0x1a],
  ['PTRACE_SETSIGMASK', 0x19],
  ['PTRACE_GETSIGMASK', 0x18],
  ['PTRACE_PEEKSIGINFO', 0x17],
  ['PTRACE_LISTEN', 0x16],
  ['PTRACE_INTERRUPT', 0x15],
  ['PTRACE_SEIZE', 0x14],
  ['PTRACE_SETREGSET', 0x13],
  ['PTRACE_GETREGSET', 0x12],
  ['PTRACE_SETSIGINFO', 0x11],
  ['PTRACE_GETSIGINFO', 0x10],
  ['PTRACE_GETEVENTMSG', 0xf],
  ['PTRACE_SETOPTIONS', 0xe],
  ['PTRACE_SYSCALL', 0xd],
  ['PTRACE_DETACH', 0xc],
  ['PTRACE_ATTACH', 0xb],
  ['PTRACE_SINGLESTEP', 0xa],
  ['PTRACE_KILL', 0x9],
  ['PTRACE_CONT', 0x8],
  ['PTRACE_POKEUSR', 0x7],
  ['PTRACE_POKEDATA', 0x6],
  ['PTRACE_POKETEXT', 0x5],
  ['PTRACE_PEEKUSR', 0x4],
  ['PTRACE_PEEKDATA', 0x3],
  ['PTRACE_PEEKTEXT', 0x2],
  ['PTRACE_TRACEME', 0x1],
  ['PTRACE_UNKNOWN', 0x0],
] as const satisfies FlagTable;
