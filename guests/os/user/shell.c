/* The shell: a prompt and a handful of commands. */
#include "ulib.h"

static void help(void) {
  puts_("commands:\n"
        "  help            this text\n"
        "  ps              list processes\n"
        "  run PROG [ARG]  run a program and wait for it\n"
        "  bench           run every workload\n"
        "  poweroff        shut the machine down\n"
        "programs:");
  char name[32];
  for (int i = 0; progname(i, name, sizeof name) >= 0; i++) printf(" %s", name);
  puts_("\n");
}

/* Split off the first word of *s (in place); returns it, "" at the end. */
static char *word(char **s) {
  char *p = *s;
  while (*p == ' ' || *p == '\t') p++;
  char *start = p;
  while (*p && *p != ' ' && *p != '\t') p++;
  if (*p) *p++ = 0;
  *s = p;
  return start;
}

int main(void) {
  char line[128];
  for (;;) {
    puts_("$ ");
    int n = read(0, line, sizeof line - 1);
    if (n <= 0) { /* end of input */
      puts_("\n");
      poweroff();
    }
    line[n] = 0;
    if (line[n - 1] == '\n') line[n - 1] = 0;
    char *rest = line;
    char *cmd = word(&rest);
    if (cmd[0] == 0) continue;
    if (strcmp(cmd, "help") == 0) {
      help();
    } else if (strcmp(cmd, "ps") == 0) {
      ps();
    } else if (strcmp(cmd, "run") == 0) {
      char *prog = word(&rest);
      while (*rest == ' ') rest++;
      if (prog[0]) run_program(prog, rest[0] ? rest : 0);
      else puts_("usage: run PROGRAM [ARG]\n");
    } else if (strcmp(cmd, "bench") == 0) {
      for (int i = 0; workloads[i]; i++) run_program(workloads[i], 0);
    } else if (strcmp(cmd, "poweroff") == 0) {
      poweroff();
    } else {
      printf("%s: unknown command (try help)\n", cmd);
    }
  }
}
