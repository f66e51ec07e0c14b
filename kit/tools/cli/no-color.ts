// chalk follows the terminal but not NO_COLOR (https://no-color.org). Imported
// first by main.ts: modules that color constants at load time see the level.

import chalk from 'chalk';

if (process.env.NO_COLOR) chalk.level = 0;
