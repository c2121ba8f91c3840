/* Workload "io": write N bytes to the console, as N/64 writes of one 64-byte line each (the
 * kernel copies each from user memory and hands it to the SBI debug console). */
#include "ulib.h"

#define N 1024
#define LINE 64

int main(void) {
  static const char pattern[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  char lines[N / LINE][LINE];
  uint32_t h = MIX_INIT;
  for (int l = 0; l < N / LINE; l++) {
    lines[l][0] = 'i';
    lines[l][1] = 'o';
    lines[l][2] = ' ';
    lines[l][3] = (char)('0' + l / 10);
    lines[l][4] = (char)('0' + l % 10);
    lines[l][5] = ' ';
    for (int i = 6; i < LINE - 1; i++) lines[l][i] = pattern[(i - 6 + l) % (sizeof pattern - 1)];
    lines[l][LINE - 1] = '\n';
    for (int i = 0; i < LINE; i++) h = mix(h, (uint8_t)lines[l][i]);
  }
  uint32_t written = 0;
  uint32_t t0 = rdinstret();
  for (int l = 0; l < N / LINE; l++) written += (uint32_t)write(1, lines[l], LINE);
  uint32_t t1 = rdinstret();
  report("io", written, h, t1 - t0);
  return 0;
}
