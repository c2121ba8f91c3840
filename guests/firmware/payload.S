/* The S-mode payload, a flat binary linked at 0x80200000, placed by link.ld at that address
 * (like OpenSBI's fw_payload). The build passes its path, relative to guests/, as
 * FW_PAYLOAD_PATH. */
#ifndef FW_PAYLOAD_PATH
#error "define FW_PAYLOAD_PATH to the payload binary"
#endif
    .section .payload, "awx", @progbits
    .globl _payload_start
_payload_start:
    .incbin FW_PAYLOAD_PATH
    .globl _payload_end
_payload_end:
