'use strict';
// Throws while loading: creation must fail with this message, not crash.
throw new SyntaxError('broken bundle on purpose');
