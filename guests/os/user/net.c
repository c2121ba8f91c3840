/* Workload "net": N Ethernet frames (of growing sizes) to a peer running `netecho`, each echoed
 * back and checked, then an end frame. Prints what came back; no instruction counts, since
 * the frames' latency is the peer's. Frames are broadcast with the local experimental
 * EtherType 0x88b5: [type][seq, 4 bytes][payload]. */
#include "ulib.h"

#define N 32
#define TYPE_HI 0x88
#define TYPE_LO 0xb5

static uint8_t frame[1514], echo[1514];

/* The payload byte at offset `i` of frame `seq`. */
static uint8_t pattern(uint32_t seq, uint32_t i) { return (uint8_t)(seq * 31 + i * 7); }

static uint32_t put_header(const uint8_t *mac, uint32_t seq, uint8_t kind) {
  for (int i = 0; i < 6; i++) frame[i] = 0xff;
  memcpy(frame + 6, mac, 6);
  frame[12] = TYPE_HI;
  frame[13] = TYPE_LO;
  frame[14] = kind;
  for (int i = 0; i < 4; i++) frame[15 + i] = (uint8_t)(seq >> (8 * i));
  return 19;
}

int main(void) {
  uint8_t mac[6];
  if (net(NET_MAC, mac, 6) < 0) {
    printf("net: no virtio network device\n");
    return 1;
  }
  uint32_t h = MIX_INIT, bytes = 0, good = 0;
  for (uint32_t seq = 0; seq < N; seq++) {
    uint32_t len = put_header(mac, seq, 'D') + 41 + seq * 45; /* 60 … 1455 bytes */
    for (uint32_t i = 19; i < len; i++) frame[i] = pattern(seq, i);
    if (net(NET_SEND, frame, len) != (int)len) {
      printf("net: send of frame %u failed\n", seq);
      return 1;
    }
    for (;;) {
      int got = net(NET_RECV, echo, sizeof echo);
      if (got < 0) {
        printf("net: receive failed\n");
        return 1;
      }
      /* Only the peer's echo of this frame counts (other traffic is skipped). */
      if (got < 19 || echo[12] != TYPE_HI || echo[13] != TYPE_LO || echo[14] != 'E') continue;
      uint32_t s = (uint32_t)echo[15] | (uint32_t)echo[16] << 8 | (uint32_t)echo[17] << 16 |
                   (uint32_t)echo[18] << 24;
      if (s != seq) continue;
      int same = (uint32_t)got == len && memcmp(echo, mac, 6) == 0;
      for (uint32_t i = 19; same && i < len; i++) same = echo[i] == pattern(seq, i);
      good += (uint32_t)same;
      bytes += (uint32_t)got;
      for (int i = 0; i < got; i++) h = mix(h, echo[i]);
      break;
    }
  }
  uint32_t end = put_header(mac, N, 'X');
  net(NET_SEND, frame, end < 60 ? 60 : end);
  printf("net: sent n=%u echoed=%u bytes=%u checksum=0x%08x\n", N, good, bytes, h);
  return good != N;
}
