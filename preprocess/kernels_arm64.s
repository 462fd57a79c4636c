// Hand-written arm64 Advanced SIMD (NEON) kernels. Not generated: edit by
// hand, and keep each kernel bit-exact with its generic twin in
// kernels_generic.go (kernels_test.go checks that).
//
// Go's arm64 assembler has no mnemonics for many NEON instructions (vector
// MUL, MLA, UMULL, UMLAL, SMLAL, UADDLP, SADALP, UCVTF, FMUL, FCVTNS,
// SQXTUN, UQXTN, URHADD, RSHRN, SADDLV, UADDLV on .4S, ...). Those are
// emitted with WORD; the comment on each WORD line is the instruction it
// encodes, in Arm syntax (destination first). The encodings were checked
// against llvm-mc and an encoder written from the Arm ARM field layouts.
//
// Each kernel processes whole blocks only (the block size is in its doc in
// kernels_arm64.go) and never reads or writes past the lengths it is given;
// the wrappers in dispatch_arm64.go call the generic kernel for the tail.

//go:build !purego && !noasm

#include "textflag.h"

// func addRow_U8_U16_neon(acc []uint16, src []byte)
TEXT ·addRow_U8_U16_neon(SB), NOSPLIT, $0-48
	MOVD acc_base+0(FP), R0
	MOVD acc_len+8(FP), R1
	MOVD src_base+24(FP), R2
	LSR  $4, R1
	CBZ  R1, addrow_done

addrow_loop:
	VLD1.P  16(R2), [V0.B16]
	VLD1    (R0), [V1.H8, V2.H8]
	VUADDW  V0.B8, V1.H8, V1.H8
	VUADDW2 V0.B16, V2.H8, V2.H8
	VST1.P  [V1.H8, V2.H8], 32(R0)
	SUBS    $1, R1
	BNE     addrow_loop

addrow_done:
	RET

// func boxRow2_U16_U8_neon(dst []byte, acc []uint16, scale float32)
TEXT ·boxRow2_U16_U8_neon(SB), NOSPLIT, $0-52
	MOVD  dst_base+0(FP), R0
	MOVD  dst_len+8(FP), R1
	MOVD  acc_base+24(FP), R2
	FMOVS scale+48(FP), F31
	VDUP  V31.S[0], V31.S4
	LSR   $3, R1
	CBZ   R1, box2_done

box2_loop:
	VLD1.P 32(R2), [V0.H8, V1.H8]
	WORD   $0x6e602800            // UADDLP  V0.4S, V0.8H
	WORD   $0x6e602821            // UADDLP  V1.4S, V1.8H
	WORD   $0x6e21d800            // UCVTF   V0.4S, V0.4S
	WORD   $0x6e21d821            // UCVTF   V1.4S, V1.4S
	WORD   $0x6e3fdc00            // FMUL    V0.4S, V0.4S, V31.4S
	WORD   $0x6e3fdc21            // FMUL    V1.4S, V1.4S, V31.4S
	WORD   $0x4e21a800            // FCVTNS  V0.4S, V0.4S
	WORD   $0x4e21a821            // FCVTNS  V1.4S, V1.4S
	WORD   $0x2e612800            // SQXTUN  V0.4H, V0.4S
	WORD   $0x6e612820            // SQXTUN2 V0.8H, V1.4S
	WORD   $0x2e214800            // UQXTN   V0.8B, V0.8H
	VST1.P [V0.B8], 8(R0)
	SUBS   $1, R1
	BNE    box2_loop

box2_done:
	RET

// func boxRow4_U16_U8_neon(dst []byte, acc []uint16, scale float32)
TEXT ·boxRow4_U16_U8_neon(SB), NOSPLIT, $0-52
	MOVD  dst_base+0(FP), R0
	MOVD  dst_len+8(FP), R1
	MOVD  acc_base+24(FP), R2
	FMOVS scale+48(FP), F31
	VDUP  V31.S[0], V31.S4
	LSR   $3, R1
	CBZ   R1, box4_done

box4_loop:
	VLD1.P 64(R2), [V0.H8, V1.H8, V2.H8, V3.H8]
	WORD   $0x6e602800                // UADDLP  V0.4S, V0.8H
	WORD   $0x6e602821                // UADDLP  V1.4S, V1.8H
	WORD   $0x6e602842                // UADDLP  V2.4S, V2.8H
	WORD   $0x6e602863                // UADDLP  V3.4S, V3.8H
	VADDP  V1.S4, V0.S4, V0.S4        // sums of outputs 0-3
	VADDP  V3.S4, V2.S4, V1.S4        // sums of outputs 4-7
	WORD   $0x6e21d800                // UCVTF   V0.4S, V0.4S
	WORD   $0x6e21d821                // UCVTF   V1.4S, V1.4S
	WORD   $0x6e3fdc00                // FMUL    V0.4S, V0.4S, V31.4S
	WORD   $0x6e3fdc21                // FMUL    V1.4S, V1.4S, V31.4S
	WORD   $0x4e21a800                // FCVTNS  V0.4S, V0.4S
	WORD   $0x4e21a821                // FCVTNS  V1.4S, V1.4S
	WORD   $0x2e612800                // SQXTUN  V0.4H, V0.4S
	WORD   $0x6e612820                // SQXTUN2 V0.8H, V1.4S
	WORD   $0x2e214800                // UQXTN   V0.8B, V0.8H
	VST1.P [V0.B8], 8(R0)
	SUBS   $1, R1
	BNE    box4_loop

box4_done:
	RET

// func blendRows_U8_U16_neon(dst []uint16, r0 []byte, r1 []byte, w0 uint16, w1 uint16)
TEXT ·blendRows_U8_U16_neon(SB), NOSPLIT, $0-76
	MOVD  dst_base+0(FP), R0
	MOVD  dst_len+8(FP), R1
	MOVD  r0_base+24(FP), R2
	MOVD  r1_base+48(FP), R3
	MOVHU w0+72(FP), R4
	MOVHU w1+74(FP), R5
	VDUP  R4, V30.H8
	VDUP  R5, V31.H8
	VEOR  V29.B16, V29.B16, V29.B16
	LSR   $4, R1
	CBZ   R1, blend_done

blend_loop:
	VLD1.P 16(R2), [V0.B16]
	VLD1.P 16(R3), [V1.B16]
	VUXTL  V0.B8, V2.H8
	VUXTL2 V0.B16, V3.H8
	VUXTL  V1.B8, V4.H8
	VUXTL2 V1.B16, V5.H8
	WORD   $0x4e7e9c42             // MUL    V2.8H, V2.8H, V30.8H
	WORD   $0x4e7e9c63             // MUL    V3.8H, V3.8H, V30.8H
	WORD   $0x4e7f9482             // MLA    V2.8H, V4.8H, V31.8H
	WORD   $0x4e7f94a3             // MLA    V3.8H, V5.8H, V31.8H
	WORD   $0x6e7d1442             // URHADD V2.8H, V2.8H, V29.8H
	WORD   $0x6e7d1463             // URHADD V3.8H, V3.8H, V29.8H
	VST1.P [V2.H8, V3.H8], 32(R0)
	SUBS   $1, R1
	BNE    blend_loop

blend_done:
	RET

// func luma_RGBA_Gray_neon(dst []byte, src []byte, coef uint32)
TEXT ·luma_RGBA_Gray_neon(SB), NOSPLIT, $0-52
	MOVD  dst_base+0(FP), R0
	MOVD  dst_len+8(FP), R1
	MOVD  src_base+24(FP), R2
	MOVWU coef+48(FP), R3
	AND   $0xffff, R3, R4
	LSR   $16, R3, R5
	MOVD  $38470, R6
	VDUP  R4, V28.H8                  // weight of byte 0
	VDUP  R6, V29.H8                  // weight of byte 1
	VDUP  R5, V30.H8                  // weight of byte 2
	LSR   $4, R1
	CBZ   R1, rgba_done

rgba_loop:
	VLD4.P 64(R2), [V0.B16, V1.B16, V2.B16, V3.B16]
	VUXTL  V0.B8, V4.H8
	VUXTL2 V0.B16, V5.H8
	VUXTL  V1.B8, V6.H8
	VUXTL2 V1.B16, V7.H8
	VUXTL  V2.B8, V16.H8
	VUXTL2 V2.B16, V17.H8
	WORD   $0x2e7cc092                                // UMULL  V18.4S, V4.4H, V28.4H
	WORD   $0x6e7cc093                                // UMULL2 V19.4S, V4.8H, V28.8H
	WORD   $0x2e7cc0b4                                // UMULL  V20.4S, V5.4H, V28.4H
	WORD   $0x6e7cc0b5                                // UMULL2 V21.4S, V5.8H, V28.8H
	WORD   $0x2e7d80d2                                // UMLAL  V18.4S, V6.4H, V29.4H
	WORD   $0x6e7d80d3                                // UMLAL2 V19.4S, V6.8H, V29.8H
	WORD   $0x2e7d80f4                                // UMLAL  V20.4S, V7.4H, V29.4H
	WORD   $0x6e7d80f5                                // UMLAL2 V21.4S, V7.8H, V29.8H
	WORD   $0x2e7e8212                                // UMLAL  V18.4S, V16.4H, V30.4H
	WORD   $0x6e7e8213                                // UMLAL2 V19.4S, V16.8H, V30.8H
	WORD   $0x2e7e8234                                // UMLAL  V20.4S, V17.4H, V30.4H
	WORD   $0x6e7e8235                                // UMLAL2 V21.4S, V17.8H, V30.8H
	WORD   $0x0f108e52                                // RSHRN  V18.4H, V18.4S, #16
	WORD   $0x4f108e72                                // RSHRN2 V18.8H, V19.4S, #16
	WORD   $0x0f108e94                                // RSHRN  V20.4H, V20.4S, #16
	WORD   $0x4f108eb4                                // RSHRN2 V20.8H, V21.4S, #16
	VUZP1  V20.B16, V18.B16, V22.B16                  // low bytes: the lumas are at most 255
	VST1.P [V22.B16], 16(R0)
	SUBS   $1, R1
	BNE    rgba_loop

rgba_done:
	RET

// func luma_RGB24_Gray_neon(dst []byte, src []byte, coef uint32)
TEXT ·luma_RGB24_Gray_neon(SB), NOSPLIT, $0-52
	MOVD  dst_base+0(FP), R0
	MOVD  dst_len+8(FP), R1
	MOVD  src_base+24(FP), R2
	MOVWU coef+48(FP), R3
	AND   $0xffff, R3, R4
	LSR   $16, R3, R5
	MOVD  $38470, R6
	VDUP  R4, V28.H8                  // weight of byte 0
	VDUP  R6, V29.H8                  // weight of byte 1
	VDUP  R5, V30.H8                  // weight of byte 2
	LSR   $4, R1
	CBZ   R1, rgb24_done

rgb24_loop:
	VLD3.P 48(R2), [V0.B16, V1.B16, V2.B16]
	VUXTL  V0.B8, V4.H8
	VUXTL2 V0.B16, V5.H8
	VUXTL  V1.B8, V6.H8
	VUXTL2 V1.B16, V7.H8
	VUXTL  V2.B8, V16.H8
	VUXTL2 V2.B16, V17.H8
	WORD   $0x2e7cc092                // UMULL  V18.4S, V4.4H, V28.4H
	WORD   $0x6e7cc093                // UMULL2 V19.4S, V4.8H, V28.8H
	WORD   $0x2e7cc0b4                // UMULL  V20.4S, V5.4H, V28.4H
	WORD   $0x6e7cc0b5                // UMULL2 V21.4S, V5.8H, V28.8H
	WORD   $0x2e7d80d2                // UMLAL  V18.4S, V6.4H, V29.4H
	WORD   $0x6e7d80d3                // UMLAL2 V19.4S, V6.8H, V29.8H
	WORD   $0x2e7d80f4                // UMLAL  V20.4S, V7.4H, V29.4H
	WORD   $0x6e7d80f5                // UMLAL2 V21.4S, V7.8H, V29.8H
	WORD   $0x2e7e8212                // UMLAL  V18.4S, V16.4H, V30.4H
	WORD   $0x6e7e8213                // UMLAL2 V19.4S, V16.8H, V30.8H
	WORD   $0x2e7e8234                // UMLAL  V20.4S, V17.4H, V30.4H
	WORD   $0x6e7e8235                // UMLAL2 V21.4S, V17.8H, V30.8H
	WORD   $0x0f108e52                // RSHRN  V18.4H, V18.4S, #16
	WORD   $0x4f108e72                // RSHRN2 V18.8H, V19.4S, #16
	WORD   $0x0f108e94                // RSHRN  V20.4H, V20.4S, #16
	WORD   $0x4f108eb4                // RSHRN2 V20.8H, V21.4S, #16
	VUZP1  V20.B16, V18.B16, V22.B16  // low bytes: the lumas are at most 255
	VST1.P [V22.B16], 16(R0)
	SUBS   $1, R1
	BNE    rgb24_loop

rgb24_done:
	RET

// func laplacian_Gray_Stats_neon(up []byte, mid []byte, down []byte, n int) (sum int64, sumsq int64)
TEXT ·laplacian_Gray_Stats_neon(SB), NOSPLIT, $0-96
	MOVD up_base+0(FP), R0
	MOVD mid_base+24(FP), R1
	MOVD down_base+48(FP), R2
	MOVD n+72(FP), R3
	ADD  $1, R0                      // up[i+1]
	ADD  $1, R2                      // down[i+1]
	ADD  $1, R1, R4                  // mid[i+1], the centre
	ADD  $2, R1, R5                  // mid[i+2]; R1 is mid[i]
	VEOR V30.B16, V30.B16, V30.B16   // sum, four int32 lanes
	VEOR V31.B16, V31.B16, V31.B16   // sum of squares, four uint32 lanes
	LSR  $4, R3
	CBZ  R3, lap_reduce

lap_loop:
	VLD1.P  16(R0), [V0.B16]
	VLD1.P  16(R2), [V1.B16]
	VLD1.P  16(R1), [V2.B16]
	VLD1.P  16(R5), [V3.B16]
	VLD1.P  16(R4), [V4.B16]
	VUXTL   V0.B8, V5.H8
	VUXTL2  V0.B16, V6.H8
	VUADDW  V1.B8, V5.H8, V5.H8
	VUADDW2 V1.B16, V6.H8, V6.H8
	VUADDW  V2.B8, V5.H8, V5.H8
	VUADDW2 V2.B16, V6.H8, V6.H8
	VUADDW  V3.B8, V5.H8, V5.H8
	VUADDW2 V3.B16, V6.H8, V6.H8
	VUSHLL  $2, V4.B8, V7.H8
	VUSHLL2 $2, V4.B16, V16.H8
	VSUB    V7.H8, V5.H8, V5.H8      // Laplacians of pixels 0-7, int16
	VSUB    V16.H8, V6.H8, V6.H8     // Laplacians of pixels 8-15, int16
	WORD    $0x4e6068be              // SADALP V30.4S, V5.8H
	WORD    $0x4e6068de              // SADALP V30.4S, V6.8H
	WORD    $0x0e6580bf              // SMLAL  V31.4S, V5.4H, V5.4H
	WORD    $0x4e6580bf              // SMLAL2 V31.4S, V5.8H, V5.8H
	WORD    $0x0e6680df              // SMLAL  V31.4S, V6.4H, V6.4H
	WORD    $0x4e6680df              // SMLAL2 V31.4S, V6.8H, V6.8H
	SUBS    $1, R3
	BNE     lap_loop

lap_reduce:
	WORD $0x4eb03bde       // SADDLV D30, V30.4S
	WORD $0x6eb03bff       // UADDLV D31, V31.4S
	VMOV V30.D[0], R6
	VMOV V31.D[0], R7
	MOVD R6, sum+80(FP)
	MOVD R7, sumsq+88(FP)
	RET
