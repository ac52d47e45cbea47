'use strict';
process.exit(9);
