/* init (pid 1): with an argument (the bootargs run= list, e.g. "syscall,io" or "all") run
 * those programs one after another and power off; without one, run the shell (again, if it
 * exits). It also reaps orphans, which the kernel hands to it. */
#include "ulib.h"

static void run_list(const char *list) {
  char name[32];
  while (*list) {
    int n = 0;
    while (*list && *list != ',') {
      if (n < (int)sizeof name - 1) name[n++] = *list;
      list++;
    }
    name[n] = 0;
    if (*list == ',') list++;
    if (n == 0) continue;
    if (strcmp(name, "all") == 0) {
      for (int i = 0; workloads[i]; i++) run_program(workloads[i], 0);
    } else {
      run_program(name, 0);
    }
  }
}

int main(const char *arg) {
  if (arg[0]) {
    run_list(arg);
    poweroff();
  }
  for (;;) run_program("shell", 0);
}
