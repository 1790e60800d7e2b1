/* SPDX-License-Identifier: MIT */
/* cmd.h - subcommand entry points and the exit codes of SPEC §7. */
#ifndef LT_CMD_CMD_H
#define LT_CMD_CMD_H

enum lt_exit {
    LT_EXIT_OK = 0,          /* every input processed */
    LT_EXIT_FATAL = 1,       /* manifest unreadable, OUT not writable, ... */
    LT_EXIT_USAGE = 2,       /* bad usage */
    LT_EXIT_INPUT_ERRORS = 3 /* finished, but some inputs had errors */
};

int cmd_scan(int argc, char **argv);
int cmd_merge(int argc, char **argv);

#endif
