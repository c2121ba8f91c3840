/* The S-mode payload, a flat binary, placed by link.ld at FW_PAYLOAD_ADDR (0x80200000, or
 * 0x80400000 for an rv32 Linux Image: see payload-address.sh), like OpenSBI's fw_payload. The
 * build passes its path, relative to guests/, as FW_PAYLOAD_PATH. */
#ifndef FW_PAYLOAD_PATH
#error "define FW_PAYLOAD_PATH to the payload binary"
#endif
    .section .payload, "awx", @progbits
    .globl _payload_start
_payload_start:
    .incbin FW_PAYLOAD_PATH
    .globl _payload_end
_payload_end:
