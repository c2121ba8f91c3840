/* "netecho": the peer of the `net` workload. Answers every data frame ('D') with an echo ('E')
 * addressed to its sender, until an end frame ('X'); then prints what it echoed. */
#include "ulib.h"

static uint8_t frame[1514];

int main(void) {
  uint8_t mac[6];
  if (net(NET_MAC, mac, 6) < 0) {
    printf("netecho: no virtio network device\n");
    return 1;
  }
  uint32_t h = MIX_INIT, n = 0, bytes = 0;
  for (;;) {
    int got = net(NET_RECV, frame, sizeof frame);
    if (got < 0) {
      printf("netecho: receive failed\n");
      return 1;
    }
    if (got < 19 || frame[12] != 0x88 || frame[13] != 0xb5) continue;
    if (frame[14] == 'X') break;
    if (frame[14] != 'D') continue;
    for (int i = 0; i < got; i++) h = mix(h, frame[i]);
    memcpy(frame, frame + 6, 6); /* back to the sender */
    memcpy(frame + 6, mac, 6);
    frame[14] = 'E';
    if (net(NET_SEND, frame, (uint32_t)got) != got) {
      printf("netecho: send failed\n");
      return 1;
    }
    n++;
    bytes += (uint32_t)got;
  }
  printf("netecho: echoed n=%u bytes=%u checksum=0x%08x\n", n, bytes, h);
  return 0;
}
