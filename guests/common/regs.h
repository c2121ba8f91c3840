/* Integer register numbers by ABI name (x0..x31), for C code that indexes a saved register
 * frame (`x[REG_A0]`) and for assembly. A frame saved by SAVE_GPRS (asm.h) keeps register xi
 * at byte offset 4 * i. */
#ifndef GUESTS_COMMON_REGS_H
#define GUESTS_COMMON_REGS_H

#define REG_ZERO 0
#define REG_RA 1
#define REG_SP 2
#define REG_GP 3
#define REG_TP 4
#define REG_T0 5
#define REG_T1 6
#define REG_T2 7
#define REG_S0 8
#define REG_S1 9
#define REG_A0 10
#define REG_A1 11
#define REG_A2 12
#define REG_A3 13
#define REG_A4 14
#define REG_A5 15
#define REG_A6 16
#define REG_A7 17
#define REG_S2 18
#define REG_S3 19
#define REG_S4 20
#define REG_S5 21
#define REG_S6 22
#define REG_S7 23
#define REG_S8 24
#define REG_S9 25
#define REG_S10 26
#define REG_S11 27
#define REG_T3 28
#define REG_T4 29
#define REG_T5 30
#define REG_T6 31

/* Size of a frame of all 32 registers (x0's slot unused). */
#define GPR_FRAME_SIZE (32 * 4)

#endif
