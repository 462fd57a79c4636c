// Command _gen generates preprocess's amd64 kernels with avo:
//
//	cd preprocess/_gen && go run . -out ../kernels_amd64.s -stubs ../kernels_amd64.go -pkg preprocess
//
// Each kernel processes whole blocks only (its doc says the block size); the
// Go wrappers in dispatch_amd64.go call the generic kernel for the tail, so
// no kernel reads or writes past the lengths it is given.
package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

func main() {
	ConstraintExpr("!purego,!noasm")
	addRow()
	for kx := 2; kx <= 8; kx++ {
		boxRow(kx)
	}
	blendRows()
	linearRowGray()
	lumaPerm = lumaPermData()
	lumaRGBA()
	lumaRGBAWide()
	lumaRGB24()
	laplacian()
	lineDiffs()
	yuvRowRGB24()
	areaRows()
	areaRowsWide()
	areaColsGray(true)
	areaColsGray(false)
	for np := 1; np <= areaWidePairs; np++ {
		areaColsWide(np)
	}
	areaColsWidePaired()
	for _, sh := range areaLaneShapes {
		areaColsLanes(sh.k, sh.r)
	}
	areaFused()
	areaColsPairs()
	Generate()
}

// broadcast16 returns a YMM register with v in every 16-bit lane.
func broadcast16(v uint16) VecVirtual {
	return broadcast32(uint32(v) | uint32(v)<<16)
}

// broadcast32 returns a YMM register with v in every 32-bit lane.
func broadcast32(v uint32) VecVirtual {
	r := GP32()
	MOVL(U32(v), r)
	x := XMM()
	VMOVD(r, x)
	y := YMM()
	VPBROADCASTD(x, y)
	return y
}

// laneShuffle returns a VPSHUFB control with the same 16 bytes (lo, then
// hi, little-endian) in both 128-bit lanes.
func laneShuffle(lo, hi uint64) VecVirtual {
	rl, rh := GP64(), GP64()
	MOVQ(U64(lo), rl)
	MOVQ(U64(hi), rh)
	x := XMM()
	MOVQ(rl, x)
	PINSRQ(Imm(1), rh, x)
	y := YMM()
	VINSERTI128(Imm(1), x, x.AsY(), y)
	return y
}

// packStore8 saturates the eight int32 lanes of v to bytes and stores them.
func packStore8(v VecVirtual, dst Mem) {
	hi := XMM()
	VEXTRACTI128(Imm(1), v, hi)
	lo := v.AsX()
	VPACKUSDW(hi, lo, lo)
	VPACKUSWB(lo, lo, lo)
	VMOVQ(lo, dst)
}

// addRow: acc[i] += src[i], 32 pixels a block.
func addRow() {
	TEXT("addRow_U8_U16_avx2", NOSPLIT, "func(acc []uint16, src []byte)")
	Pragma("noescape")
	Doc("addRow_U8_U16_avx2 is addRow_U8_U16_generic for len(acc) a multiple of 32.")
	acc := Load(Param("acc").Base(), GP64())
	n := Load(Param("acc").Len(), GP64())
	src := Load(Param("src").Base(), GP64())
	SHRQ(Imm(5), n)
	JZ(LabelRef("done"))
	a, b := YMM(), YMM()
	Label("loop")
	VPMOVZXBW(Mem{Base: src}, a)
	VPMOVZXBW(Mem{Base: src, Disp: 16}, b)
	VPADDW(Mem{Base: acc}, a, a)
	VPADDW(Mem{Base: acc, Disp: 32}, b, b)
	VMOVDQU(a, Mem{Base: acc})
	VMOVDQU(b, Mem{Base: acc, Disp: 32})
	ADDQ(Imm(32), src)
	ADDQ(Imm(64), acc)
	DECQ(n)
	JNZ(LabelRef("loop"))
	Label("done")
	VZEROUPPER()
	RET()
}

// boxOverRead is how many column sums past its block's kx*8 the last block
// of boxRow's kernel for kx reads (a 128-bit lane loads 8 sums from where its
// outputs start); dispatch_amd64.go has the same table.
func boxOverRead(kx int) int {
	switch kx {
	case 3:
		return 2
	case 5, 6, 7:
		return 8 - kx
	}
	return 0
}

// boxRow: averages of kx (2 to 8) adjacent column sums, 8 outputs a block.
// The sums of each output are added as int32 by VPMADDWD (so each column sum
// must fit a signed 16-bit lane) and then horizontally:
//   - kx = 2: one VPMADDWD gives the 8 outputs;
//   - kx = 4: pairs of VPMADDWD lanes, one VPHADDD;
//   - kx = 3: each 128-bit lane loads 8 sums and shuffles them to two
//     outputs of 4 words (the fourth zero), then as kx = 4;
//   - kx = 5..8: each 128-bit lane holds one output's kx sums (words past kx
//     weighted 0 by VPMADDWD), reduced by three VPHADDD and one VPERMD.
//
// The float32 product and its rounding (MXCSR's default, half to even) are
// those of boxRow_U16_U8_generic.
func boxRow(kx int) {
	name := fmt.Sprintf("boxRow%d_U16_U8_avx2", kx)
	TEXT(name, NOSPLIT, "func(dst []byte, acc []uint16, scale float32)")
	Pragma("noescape")
	if over := boxOverRead(kx); over > 0 {
		Doc(fmt.Sprintf("%s is boxRow_U16_U8_generic with one channel and kx = %d, for len(dst) a multiple of 8; acc holds", name, kx),
			fmt.Sprintf("len(dst)*kx sums, each at most 32767, and %d more that it reads but does not use.", over))
	} else {
		Doc(fmt.Sprintf("%s is boxRow_U16_U8_generic with one channel and kx = %d, for len(dst) a multiple of 8; acc holds", name, kx),
			"len(dst)*kx sums, each at most 32767.")
	}
	dst := Load(Param("dst").Base(), GP64())
	n := Load(Param("dst").Len(), GP64())
	acc := Load(Param("acc").Base(), GP64())
	sx := Load(Param("scale"), XMM())
	scale := YMM()
	VBROADCASTSS(sx, scale)
	ones := broadcast16(1)
	var shuf, w, perm VecVirtual
	switch {
	case kx == 3:
		// Per lane: words 0,1,2,zero,3,4,5,zero.
		shuf = laneShuffle(0x80800504_03020100, 0x80800b0a_09080706)
	case kx >= 5:
		if kx < 8 {
			// Per lane: weight 1 for words 0..kx-1, 0 for the rest.
			w = laneShuffle(0x00010001_00010001, (uint64(1)<<(16*(kx-4))-1)&0x00010001_00010001)
		}
		// Dwords o0 o2 o4 o6 o1 o3 o5 o7 back into order.
		r := GP64()
		MOVQ(U64(0x07030602_05010400), r)
		x := XMM()
		MOVQ(r, x)
		perm = YMM()
		VPMOVZXBD(x, perm)
	}
	SHRQ(Imm(3), n)
	JZ(LabelRef("done"))
	Label("loop")
	s := YMM()
	switch {
	case kx == 2:
		VPMADDWD(Mem{Base: acc}, ones, s)
	case kx == 3 || kx == 4:
		b := YMM()
		if kx == 3 {
			// Lanes: outputs 0,1 | 2,3 and 4,5 | 6,7.
			VMOVDQU(Mem{Base: acc}, s.AsX())
			VINSERTI128(Imm(1), Mem{Base: acc, Disp: 12}, s, s)
			VMOVDQU(Mem{Base: acc, Disp: 24}, b.AsX())
			VINSERTI128(Imm(1), Mem{Base: acc, Disp: 36}, b, b)
			VPSHUFB(shuf, s, s)
			VPSHUFB(shuf, b, b)
			VPMADDWD(s, ones, s)
			VPMADDWD(b, ones, b)
		} else {
			VPMADDWD(Mem{Base: acc}, ones, s)
			VPMADDWD(Mem{Base: acc, Disp: 32}, ones, b)
		}
		VPHADDD(b, s, s)
		VPERMQ(Imm(0xD8), s, s)
	default:
		// y[j] lanes: outputs 2j | 2j+1.
		var y [4]VecVirtual
		for j := range y {
			y[j] = YMM()
			if kx == 8 {
				VPMADDWD(Mem{Base: acc, Disp: 32 * j}, ones, y[j])
				continue
			}
			VMOVDQU(Mem{Base: acc, Disp: 2 * kx * 2 * j}, y[j].AsX())
			VINSERTI128(Imm(1), Mem{Base: acc, Disp: 2 * kx * (2*j + 1)}, y[j], y[j])
			VPMADDWD(w, y[j], y[j])
		}
		VPHADDD(y[1], y[0], y[0]) // lanes: o0 o0 o2 o2 | o1 o1 o3 o3 (halves)
		VPHADDD(y[3], y[2], y[2]) // lanes: o4 o4 o6 o6 | o5 o5 o7 o7
		VPHADDD(y[2], y[0], y[0]) // o0 o2 o4 o6 | o1 o3 o5 o7
		VPERMD(y[0], perm, s)
	}
	VCVTDQ2PS(s, s)
	VMULPS(scale, s, s)
	VCVTPS2DQ(s, s)
	packStore8(s, Mem{Base: dst})
	ADDQ(Imm(8), dst)
	ADDQ(Imm(uint64(16*kx)), acc)
	DECQ(n)
	JNZ(LabelRef("loop"))
	Label("done")
	VZEROUPPER()
	RET()
}

// blendRows: dst[i] = (r0[i]*w0 + r1[i]*w1 + 1) >> 1, 16 pixels a block.
func blendRows() {
	TEXT("blendRows_U8_U16_avx2", NOSPLIT, "func(dst []uint16, r0, r1 []byte, w0, w1 uint16)")
	Pragma("noescape")
	Doc("blendRows_U8_U16_avx2 is blendRows_U8_U16_generic for len(dst) a multiple of 16.")
	dst := Load(Param("dst").Base(), GP64())
	n := Load(Param("dst").Len(), GP64())
	r0 := Load(Param("r0").Base(), GP64())
	r1 := Load(Param("r1").Base(), GP64())
	w := Load(Param("w0"), GP32())
	wx := XMM()
	VMOVD(w, wx)
	w0 := YMM()
	VPBROADCASTW(wx, w0)
	w = Load(Param("w1"), GP32())
	VMOVD(w, wx)
	w1 := YMM()
	VPBROADCASTW(wx, w1)
	zero := YMM()
	VPXOR(zero, zero, zero)
	SHRQ(Imm(4), n)
	JZ(LabelRef("done"))
	a, b := YMM(), YMM()
	Label("loop")
	VPMOVZXBW(Mem{Base: r0}, a)
	VPMOVZXBW(Mem{Base: r1}, b)
	VPMULLW(w0, a, a)
	VPMULLW(w1, b, b)
	VPADDW(b, a, a)
	VPAVGW(zero, a, a)
	VMOVDQU(a, Mem{Base: dst})
	ADDQ(Imm(16), r0)
	ADDQ(Imm(16), r1)
	ADDQ(Imm(32), dst)
	DECQ(n)
	JNZ(LabelRef("loop"))
	Label("done")
	VZEROUPPER()
	RET()
}

// linearRowGray: two taps gathered from t, 8 outputs a block.
func linearRowGray() {
	TEXT("linearRow_U16_Gray_avx2", NOSPLIT, "func(dst []byte, t []uint16, xofs []int32, xw []int16)")
	Pragma("noescape")
	Doc("linearRow_U16_Gray_avx2 is linearRow_U16_U8_generic with one channel, for len(dst)",
		"a multiple of 8; every xofs[i]+1 must index t.")
	dst := Load(Param("dst").Base(), GP64())
	n := Load(Param("dst").Len(), GP64())
	t := Load(Param("t").Base(), GP64())
	xofs := Load(Param("xofs").Base(), GP64())
	xw := Load(Param("xw").Base(), GP64())
	round := broadcast32(1 << 17)
	SHRQ(Imm(3), n)
	JZ(LabelRef("done"))
	idx, mask, g := YMM(), YMM(), YMM()
	Label("loop")
	VMOVDQU(Mem{Base: xofs}, idx)
	VPCMPEQD(mask, mask, mask)
	VPXOR(g, g, g)
	VPGATHERDD(mask, Mem{Base: t, Index: idx, Scale: 2}, g)
	VPMADDWD(Mem{Base: xw}, g, g)
	VPADDD(round, g, g)
	VPSRAD(Imm(18), g, g)
	packStore8(g, Mem{Base: dst})
	ADDQ(Imm(8), dst)
	ADDQ(Imm(32), xofs)
	ADDQ(Imm(32), xw)
	DECQ(n)
	JNZ(LabelRef("loop"))
	Label("done")
	VZEROUPPER()
	RET()
}

// lumaPixels turns eight 4-byte pixels in v into eight int32 luma values.
func lumaPixels(v, maskEven, coefEven, coefOdd, round VecVirtual) {
	o := YMM()
	VPSRLW(Imm(8), v, o)
	VPAND(maskEven, v, v)
	VPMADDWD(coefEven, v, v)
	VPMADDWD(coefOdd, o, o)
	VPSLLD(Imm(1), o, o)
	VPADDD(o, v, v)
	VPADDD(round, v, v)
	VPSRLD(Imm(16), v, v)
}

func lumaConsts() (maskEven, coefEven, coefOdd, round VecVirtual) {
	maskEven = broadcast32(0x00ff00ff)
	c := Load(Param("coef"), GP32())
	x := XMM()
	VMOVD(c, x)
	coefEven = YMM()
	VPBROADCASTD(x, coefEven)
	coefOdd = broadcast32(38470 / 2)
	round = broadcast32(1 << 15)
	return
}

// lumaPerm is the VPERMD control of lumaRGBA and areaFused (lumaPermData).
var lumaPerm Mem

// lumaPermData declares the VPERMD control that puts dwords 0, 4, 1, 5
// first.
func lumaPermData() Mem {
	m := GLOBL("lumaPerm", RODATA|NOPTR)
	for i, v := range [8]uint32{0, 4, 1, 5, 2, 6, 3, 7} {
		DATA(4*i, U32(v))
	}
	return m
}

// lumaRGBA: 16 pixels a block. Each pixel's luma is lumaPixels' sum
// L = c0*byte0 + 38470*G + c2*byte2 + 1<<15, with green as the word pair
// (G, G) weighted 19235 each (one VPSHUFB instead of a shift and a
// doubling); L>>16 is at most 255, so it is byte 2 of L's dword, which a
// VPSHUFB per eight pixels gathers in place of the shifts and packs.
func lumaRGBA() {
	TEXT("luma_RGBA_Gray_avx2", NOSPLIT, "func(dst, src []byte, coef uint32)")
	Pragma("noescape")
	Doc("luma_RGBA_Gray_avx2 is luma_RGBA_Gray_generic for len(dst) a multiple of 16.")
	dst := Load(Param("dst").Base(), GP64())
	n := Load(Param("dst").Len(), GP64())
	src := Load(Param("src").Base(), GP64())
	maskEven, coefEven, _, round := lumaConsts()
	greens := laneShuffle(0x8005800580018001, 0x800D800D80098009)
	coefGG := broadcast32(38470/2 | (38470/2)<<16)
	// Byte 2 of each dword of a lane to bytes 0-3 (the first eight
	// pixels) or 4-7 (the next eight) of the lane, zeros elsewhere.
	hiLo := laneShuffle(0x808080800e0a0602, 0x8080808080808080)
	hiHi := laneShuffle(0x0e0a060280808080, 0x8080808080808080)
	perm := YMM()
	VMOVDQU(lumaPerm, perm)
	SHRQ(Imm(4), n)
	JZ(LabelRef("done"))
	a, b, o := YMM(), YMM(), YMM()
	Label("loop")
	for k, v := range []VecVirtual{a, b} {
		VMOVDQU(Mem{Base: src, Disp: 32 * k}, v)
		VPSHUFB(greens, v, o)
		VPAND(maskEven, v, v)
		VPMADDWD(coefEven, v, v)
		VPMADDWD(coefGG, o, o)
		VPADDD(o, v, v)
		VPADDD(round, v, v)
	}
	VPSHUFB(hiLo, a, a)
	VPSHUFB(hiHi, b, b)
	VPOR(b, a, a)
	// Lanes [p0-3 p8-11 . .] [p4-7 p12-15 . .]: dwords 0, 4, 1, 5.
	VPERMD(a, perm, a)
	VMOVDQU(a.AsX(), Mem{Base: dst})
	ADDQ(Imm(64), src)
	ADDQ(Imm(16), dst)
	DECQ(n)
	JNZ(LabelRef("loop"))
	Label("done")
	VZEROUPPER()
	RET()
}

// broadcastZ32 returns a ZMM register with v in every 32-bit lane.
func broadcastZ32(v uint32) VecVirtual {
	r := GP32()
	MOVL(U32(v), r)
	z := ZMM()
	VPBROADCASTD(r, z)
	return z
}

// laneShuffleZ is laneShuffle in all four 128-bit lanes of a ZMM register.
func laneShuffleZ(lo, hi uint64) VecVirtual {
	rl, rh := GP64(), GP64()
	MOVQ(U64(lo), rl)
	MOVQ(U64(hi), rh)
	z := ZMM()
	VMOVQ(rl, z.AsX())
	VPINSRQ(Imm(1), rh, z.AsX(), z.AsX())
	VSHUFI64X2(Imm(0), z, z, z)
	return z
}

// lumaRGBAWide: lumaRGBA with AVX-512 (F and BW), 32 pixels a block, in
// two independent ZMM registers of 16. The sums are lumaRGBA's; each
// register's L>>16 (VPSRLD) is truncated to bytes by VPMOVDB, which stores
// the 16 lumas in pixel order (no shuffle or permutation).
func lumaRGBAWide() {
	TEXT("luma_RGBA_Gray_avx512", NOSPLIT, "func(dst, src []byte, coef uint32)")
	Pragma("noescape")
	Doc("luma_RGBA_Gray_avx512 is luma_RGBA_Gray_generic for len(dst) a multiple of 32",
		"(AVX-512 F and BW).")
	dst := Load(Param("dst").Base(), GP64())
	n := Load(Param("dst").Len(), GP64())
	src := Load(Param("src").Base(), GP64())
	maskEven := broadcastZ32(0x00ff00ff)
	c := Load(Param("coef"), GP32())
	coefEven := ZMM()
	VPBROADCASTD(c, coefEven)
	round := broadcastZ32(1 << 15)
	greens := laneShuffleZ(0x8005800580018001, 0x800D800D80098009)
	coefGG := broadcastZ32(38470/2 | (38470/2)<<16)
	SHRQ(Imm(5), n)
	JZ(LabelRef("done"))
	Label("loop")
	for k := range 2 {
		v, o := ZMM(), ZMM()
		VMOVDQU64(Mem{Base: src, Disp: 64 * k}, v)
		VPSHUFB(greens, v, o)
		VPANDD(maskEven, v, v)
		VPMADDWD(coefEven, v, v)
		VPMADDWD(coefGG, o, o)
		VPADDD(o, v, v)
		VPADDD(round, v, v)
		VPSRLD(Imm(16), v, v)
		VPMOVDB(v, Mem{Base: dst, Disp: 16 * k})
	}
	ADDQ(Imm(128), src)
	ADDQ(Imm(32), dst)
	DECQ(n)
	JNZ(LabelRef("loop"))
	Label("done")
	VZEROUPPER()
	RET()
}

// lineDiffs: the edge blur's central differences, 16 a block in two YMM
// registers of 8 (VPMOVZXBD widens the bytes at t and t+2), their
// magnitudes (VPABSD) and the running maximum (VPMAXSD), folded to one
// dword at the end.
func lineDiffs() {
	TEXT("lineDiff_U8_I32_avx2", NOSPLIT, "func(d, m []int32, pix []byte) int32")
	Pragma("noescape")
	Doc("lineDiff_U8_I32_avx2 is lineDiff_U8_I32_generic for len(d) a multiple of 16.")
	d := Load(Param("d").Base(), GP64())
	m := Load(Param("m").Base(), GP64())
	n := Load(Param("d").Len(), GP64())
	pix := Load(Param("pix").Base(), GP64())
	peak := YMM()
	VPXOR(peak, peak, peak)
	SHRQ(Imm(4), n)
	JZ(LabelRef("done"))
	Label("loop")
	for k := range 2 {
		a, b := YMM(), YMM()
		VPMOVZXBD(Mem{Base: pix, Disp: 8*k + 2}, a)
		VPMOVZXBD(Mem{Base: pix, Disp: 8 * k}, b)
		VPSUBD(b, a, a)
		VMOVDQU(a, Mem{Base: d, Disp: 32 * k})
		VPABSD(a, a)
		VMOVDQU(a, Mem{Base: m, Disp: 32 * k})
		VPMAXSD(a, peak, peak)
	}
	ADDQ(Imm(16), pix)
	ADDQ(Imm(64), d)
	ADDQ(Imm(64), m)
	DECQ(n)
	JNZ(LabelRef("loop"))
	Label("done")
	x := XMM()
	VEXTRACTI128(Imm(1), peak, x)
	VPMAXSD(x, peak.AsX(), x)
	y := XMM()
	VPSHUFD(Imm(0x4e), x, y)
	VPMAXSD(y, x, x)
	VPSHUFD(Imm(0xb1), x, y)
	VPMAXSD(y, x, x)
	r := GP32()
	VMOVD(x, r)
	Store(r, ReturnIndex(0))
	VZEROUPPER()
	RET()
}

// lumaRGB24: 8 pixels a block; each block reads 28 bytes (4 past its 24).
func lumaRGB24() {
	TEXT("luma_RGB24_Gray_avx2", NOSPLIT, "func(dst, src []byte, coef uint32)")
	Pragma("noescape")
	Doc("luma_RGB24_Gray_avx2 is luma_RGB24_Gray_generic for len(dst) a multiple of 8;",
		"it reads 4 bytes past the last pixel, so len(src) >= 3*len(dst)+4.")
	dst := Load(Param("dst").Base(), GP64())
	n := Load(Param("dst").Len(), GP64())
	src := Load(Param("src").Base(), GP64())
	maskEven, coefEven, coefOdd, round := lumaConsts()
	// Shuffle R,G,B triplets into R,G,B,0 dwords in each 128-bit lane.
	shuf := laneShuffle(0x80050403_80020100, 0x800b0a09_80080706)
	SHRQ(Imm(3), n)
	JZ(LabelRef("done"))
	a := YMM()
	Label("loop")
	VMOVDQU(Mem{Base: src}, a.AsX())
	VINSERTI128(Imm(1), Mem{Base: src, Disp: 12}, a, a)
	VPSHUFB(shuf, a, a)
	lumaPixels(a, maskEven, coefEven, coefOdd, round)
	packStore8(a, Mem{Base: dst})
	ADDQ(Imm(24), src)
	ADDQ(Imm(8), dst)
	DECQ(n)
	JNZ(LabelRef("loop"))
	Label("done")
	VZEROUPPER()
	RET()
}

// laplacian: sum and sum of squares of the 3x3 Laplacian, 16 pixels a block.
func laplacian() {
	TEXT("laplacian_Gray_Stats_avx2", NOSPLIT, "func(up, mid, down []byte, n int) (sum, sumsq int64)")
	Pragma("noescape")
	Doc("laplacian_Gray_Stats_avx2 is laplacian_Gray_Stats_generic for n a multiple of 16",
		"and at most 2048 (so the 32-bit lane sums cannot overflow).")
	up := Load(Param("up").Base(), GP64())
	mid := Load(Param("mid").Base(), GP64())
	down := Load(Param("down").Base(), GP64())
	n := Load(Param("n"), GP64())
	ones := broadcast16(1)
	sum, sq := YMM(), YMM()
	VPXOR(sum, sum, sum)
	VPXOR(sq, sq, sq)
	SHRQ(Imm(4), n)
	JZ(LabelRef("reduce"))
	l, c, v := YMM(), YMM(), YMM()
	Label("loop")
	VPMOVZXBW(Mem{Base: up, Disp: 1}, l)
	VPMOVZXBW(Mem{Base: down, Disp: 1}, v)
	VPADDW(v, l, l)
	VPMOVZXBW(Mem{Base: mid}, v)
	VPADDW(v, l, l)
	VPMOVZXBW(Mem{Base: mid, Disp: 2}, v)
	VPADDW(v, l, l)
	VPMOVZXBW(Mem{Base: mid, Disp: 1}, c)
	VPSLLW(Imm(2), c, c)
	VPSUBW(c, l, l)
	VPMADDWD(ones, l, v)
	VPADDD(v, sum, sum)
	VPMADDWD(l, l, v)
	VPADDD(v, sq, sq)
	ADDQ(Imm(16), up)
	ADDQ(Imm(16), mid)
	ADDQ(Imm(16), down)
	DECQ(n)
	JNZ(LabelRef("loop"))
	Label("reduce")
	s := reduce32(sum)
	MOVLQSX(s, s.As64())
	Store(s.As64(), Return("sum"))
	q := reduce32(sq)
	Store(q.As64(), Return("sumsq"))
	VZEROUPPER()
	RET()
}

// reduce32 adds the eight 32-bit lanes of v (modulo 2^32) into a register;
// its upper 32 bits are zero.
func reduce32(v VecVirtual) GPVirtual {
	hi := XMM()
	VEXTRACTI128(Imm(1), v, hi)
	x := v.AsX()
	VPADDD(hi, x, x)
	VPSHUFD(Imm(0x4E), x, hi)
	VPADDD(hi, x, x)
	VPSHUFD(Imm(0xB1), x, hi)
	VPADDD(hi, x, x)
	r := GP32()
	VMOVD(x, r)
	return r
}

// yuvRowRGB24: full-range BT.601 to RGB24, 8 pixels a block; each block
// writes 28 bytes (4 past its 24).
func yuvRowRGB24() {
	TEXT("yuvRow_RGB24_avx2", NOSPLIT, "func(dst, y, cb, cr []byte)")
	Pragma("noescape")
	Doc("yuvRow_RGB24_avx2 is yuvRow_RGB24_generic for len(y) a multiple of 8; it writes",
		"4 bytes past the last pixel, so len(dst) >= 3*len(y)+4.")
	dst := Load(Param("dst").Base(), GP64())
	n := Load(Param("y").Len(), GP64())
	y := Load(Param("y").Base(), GP64())
	cb := Load(Param("cb").Base(), GP64())
	cr := Load(Param("cr").Base(), GP64())
	c128 := broadcast32(128)
	cY := broadcast32(0x10101)
	cRV := broadcast32(91881)
	cGU := broadcast32(22554)
	cGV := broadcast32(46802)
	cBU := broadcast32(116130)
	zero := YMM()
	VPXOR(zero, zero, zero)
	// Per lane: r0..3 g0..3 b0..3 -> r0 g0 b0 r1 g1 b1 ...
	shuf := laneShuffle(0x06020905_01080400, 0x80808080_0b07030a)
	SHRQ(Imm(3), n)
	JZ(LabelRef("done"))
	yy, u, v, r, g, b := YMM(), YMM(), YMM(), YMM(), YMM(), YMM()
	t := YMM()
	Label("loop")
	VPMOVZXBD(Mem{Base: y}, yy)
	VPMOVZXBD(Mem{Base: cb}, u)
	VPMOVZXBD(Mem{Base: cr}, v)
	VPMULLD(cY, yy, yy)
	VPSUBD(c128, u, u)
	VPSUBD(c128, v, v)
	VPMULLD(cRV, v, r)
	VPADDD(yy, r, r)
	VPMULLD(cGU, u, t)
	VPSUBD(t, yy, g)
	VPMULLD(cGV, v, t)
	VPSUBD(t, g, g)
	VPMULLD(cBU, u, b)
	VPADDD(yy, b, b)
	VPSRAD(Imm(16), r, r)
	VPSRAD(Imm(16), g, g)
	VPSRAD(Imm(16), b, b)
	VPACKSSDW(g, r, r)    // lane: r0..3 g0..3 (int16)
	VPACKSSDW(zero, b, b) // lane: b0..3 0 0 0 0
	VPACKUSWB(b, r, r)    // lane: r0..3 g0..3 b0..3 0 0 0 0, clamped to 0..255
	VPSHUFB(shuf, r, r)
	VMOVDQU(r.AsX(), Mem{Base: dst})
	VEXTRACTI128(Imm(1), r, Mem{Base: dst, Disp: 12})
	ADDQ(Imm(8), y)
	ADDQ(Imm(8), cb)
	ADDQ(Imm(8), cr)
	ADDQ(Imm(24), dst)
	DECQ(n)
	JNZ(LabelRef("loop"))
	Label("done")
	VZEROUPPER()
	RET()
}

// areaRows: the vertical pass of the fractional Area filter over all the
// rows of one destination row, 64 pixels a block kept in registers across
// the rows: acc[i] = (len(w)/2 + sum_k (rows[k*stride+i]*m[k]) >> 8) - 1<<15
// as int16. Each term is one VPMULHUW of the pixel in the high byte of a
// word by the multiplier m[k], accumulated with VPADDW (the callers' m keep
// the sums below 1<<16). Each 16 pixels are loaded into both 128-bit lanes
// (VBROADCASTI128, a plain load) and one VPSHUFB puts pixels 0-7 of the
// low lane and 8-15 of the high one into the high bytes of words, so the
// words are in order (no permutation at the store), and the offset -1<<15
// is in the accumulators' start, the bias (a wrapping add, as the VPXOR of
// the sign bit it replaces). Blocks are 128 pixels (eight accumulators):
// the vertical pass of the 1080p frame with AVX-512 off took 84, 78, 70
// and 59 us at factors 1.5, 2.4, 3.3 and 4.5 with the former kernel (64
// pixels, VPUNPCKLBW/VPUNPCKHBW, VPERM2I128 and VPXOR at the store) and
// 69, 63, 64 and 56 us with this one; at 64 pixels a block the VPSHUFB
// loads alone measured the same as the unpacks (62 and 65 us on hot rows).
// Row counts 2 to areaRowsUnrolled have block loops of their own, the rows
// unrolled, their multipliers broadcast once for all blocks and the first
// row's terms added to the bias (no moves): the whole resize of the 1080p
// frame with AVX-512 off went from 141, 145 and 104 us to 133, 135 and 91
// at factors 2.4, 3.3 and 4.5 (factor 4: 93; medians of 6 interleaved
// runs on a loaded machine); unrolling only the first two rows gained
// about half of that.
func areaRows() {
	TEXT("areaRows_U8_I16_avx2", NOSPLIT, "func(acc []int16, rows []byte, stride int, m []uint16)")
	Pragma("noescape")
	Doc(fmt.Sprintf("areaRows_U8_I16_avx2 is areaRows_U8_I16_generic for len(acc) a multiple of %d and len(m) >= 1.", areaRowsBlockAVX2))
	acc := Load(Param("acc").Base(), GP64())
	n := Load(Param("acc").Len(), GP64())
	rows := Load(Param("rows").Base(), GP64())
	stride := Load(Param("stride"), GP64())
	bias := areaRowsBias()
	// Byte i of the low lane, byte 8+i of the high one, to the high byte
	// of word i.
	ctrl := laneShuffle(0x03800280_01800080, 0x07800680_05800480)
	hi := laneShuffle(0x0b800a80_09800880, 0x0f800e80_0d800c80)
	VINSERTI128(Imm(1), hi.AsX(), ctrl, ctrl)
	SHRQ(Imm(uint64(bitsOf(areaRowsBlockAVX2))), n)
	JZ(LabelRef("done"))
	a := make([]VecVirtual, areaRowsBlockAVX2/16)
	for i := range a {
		a[i] = YMM()
	}
	v := YMM()
	// store writes a block's sums and goes on to the next block at label
	// next, or to done.
	store := func(next string) {
		for i := range a {
			VMOVDQU(a[i], Mem{Base: acc, Disp: 32 * i})
		}
		ADDQ(U32(areaRowsBlockAVX2), rows)
		ADDQ(U32(2*areaRowsBlockAVX2), acc)
		DECQ(n)
		JNZ(LabelRef(next))
		JMP(LabelRef("done"))
	}
	rowCount := Load(Param("m").Len(), GP64())
	for u := 2; u <= areaRowsUnrolled; u++ {
		CMPQ(rowCount, Imm(uint64(u)))
		JE(LabelRef(fmt.Sprintf("rows%d", u)))
	}
	// Other row counts: a loop over the rows.
	areaRowsLoop(a, YMM(), bias, rows, stride, func(x, y Op) { VMOVDQA(x, y) }, func(p GPVirtual, mul VecVirtual) {
		for i := range a {
			areaRowTerm(Mem{Base: p, Disp: 16 * i}, ctrl, mul, v, a[i], a[i])
		}
	})
	store("block")
	for u := 2; u <= areaRowsUnrolled; u++ {
		Label(fmt.Sprintf("rows%d", u))
		mp := Load(Param("m").Base(), GP64())
		muls := make([]VecVirtual, u)
		for r := range muls {
			muls[r] = YMM()
			VPBROADCASTW(Mem{Base: mp, Disp: 2 * r}, muls[r])
		}
		var s3 GPVirtual
		if u > 3 {
			s3 = GP64()
			LEAQ(Mem{Base: stride, Index: stride, Scale: 2}, s3)
		}
		block := fmt.Sprintf("block%d", u)
		Label(block)
		for r, mul := range muls {
			src := Mem{Base: rows}
			switch r {
			case 1, 2, 4:
				src = Mem{Base: rows, Index: stride, Scale: uint8(r)}
			case 3:
				src = Mem{Base: rows, Index: s3, Scale: 1}
			}
			for i := range a {
				from := a[i]
				if r == 0 {
					from = bias
				}
				areaRowTerm(src.Offset(16*i), ctrl, mul, v, from, a[i])
			}
		}
		store(block)
	}
	Label("done")
	VZEROUPPER()
	RET()
}

// areaRowsUnrolled is the most rows areaRows_U8_I16_avx2 has a block loop
// of its own for, the rows unrolled and their multipliers broadcast once
// for all blocks (with the eight accumulators, the shuffle control, the
// bias and a scratch register, 5 multipliers fill the 16 YMM registers).
const areaRowsUnrolled = 5

// areaRowsFirstTwo broadcasts the multipliers of the first two rows of the
// vertical Area pass, m[0] and m[1], into mul0 and mul1 for all the blocks
// (areaFused's),
// and returns in s1 the offset of the second row, stride; with one row
// (len(m) = 1) the second is the first again with multiplier 0, a term of 0.
func areaRowsFirstTwo(stride Register) (mul0, mul1 VecVirtual, s1 GPVirtual) {
	mp := Load(Param("m").Base(), GP64())
	mul0, mul1 = YMM(), YMM()
	VPBROADCASTW(Mem{Base: mp}, mul0)
	VPXOR(mul1, mul1, mul1)
	s1 = GP64()
	XORQ(s1, s1)
	k := Load(Param("m").Len(), GP64())
	CMPQ(k, Imm(2))
	JB(LabelRef("start"))
	VPBROADCASTW(Mem{Base: mp, Disp: 2}, mul1)
	MOVQ(stride, s1)
	Label("start")
	return mul0, mul1, s1
}

// areaRowsBias returns a YMM register with the vertical Area sums' start,
// len(m)/2 - 1<<15 (the rounding term and the int16 offset), in every word.
func areaRowsBias() VecVirtual {
	bias := YMM()
	kb := Load(Param("m").Len(), GP64())
	SHRQ(Imm(1), kb)
	XORQ(U32(0x8000), kb)
	VMOVQ(kb, bias.AsX())
	VPBROADCASTW(bias.AsX(), bias)
	return bias
}

// areaRowTerm adds one source row's term of the vertical Area pass to the
// 16 words of from, into to: the 16 bytes at src in both 128-bit lanes
// (VBROADCASTI128, into v), placed in the high bytes of words by the
// VPSHUFB control ctrl, VPMULHUW by the multiplier in every word of mul.
func areaRowTerm(src Mem, ctrl, mul, v, from, to VecVirtual) {
	VBROADCASTI128(src, v)
	VPSHUFB(ctrl, v, v)
	VPMULHUW(mul, v, v)
	VPADDW(v, from, to)
}

// areaRowsBlockAVX2 is the pixels a block of areaRows_U8_I16_avx2
// (dispatch_amd64.go has the same).
const areaRowsBlockAVX2 = 128

// bitsOf returns log2 of the power of two n.
func bitsOf(n int) int {
	b := 0
	for 1<<b < n {
		b++
	}
	return b
}

// areaRowsLoop emits the head of a block of the vertical Area pass (label
// "block") and its loop over the rows (label "row"), for the kernels that
// run every row count alike: the accumulators a set to bias (by movBias),
// then for each row k its multiplier m[k] broadcast to mul and term(p,
// mul) adding the row at p into a.
func areaRowsLoop(a []VecVirtual, mul, bias VecVirtual, rows, stride Register, movBias func(x, y Op), term func(p GPVirtual, mul VecVirtual)) {
	Label("block")
	w := Load(Param("m").Base(), GP64())
	k := Load(Param("m").Len(), GP64())
	p := GP64()
	MOVQ(rows, p)
	for i := range a {
		movBias(bias, a[i])
	}
	Label("row")
	VPBROADCASTW(Mem{Base: w}, mul)
	term(p, mul)
	ADDQ(stride, p)
	ADDQ(Imm(2), w)
	DECQ(k)
	JNZ(LabelRef("row"))
}

// areaColsGray: the horizontal pass of the fractional Area filter for gray
// rows of 16-bit vertical sums (offset by -1<<15 to fit int16), 8 outputs a block, without gathers: the taps
// of each output are consecutive, so they are loaded from vacc at the
// output's xofs and multiplied by the output's weights with VPMADDWD, then
// reduced horizontally. With n = 4 each 128-bit lane holds two outputs (two
// 64-bit loads), reduced by one VPHADDD; with n a multiple of 8 each lane
// holds 8 taps of one output (outputs 2j | 2j+1 in ymm j), groups of 8 taps
// added lane-wise, then reduced by three VPHADDD and one VPERMD. The weights
// are in the order of areaColsWeight.
func areaColsGray(n4 bool) {
	name := "areaCols8_I16_Gray_avx2"
	if n4 {
		name = "areaCols4_I16_Gray_avx2"
	}
	TEXT(name, NOSPLIT, "func(dst []byte, vacc []int16, xofs []int32, xw []uint16, n int)")
	Pragma("noescape")
	if n4 {
		Doc(name+" is areaCols_I16_U8_generic with cn = 1, n = 4, areaBits = 12 and areaAccBits = 8",
			"for len(dst) a multiple of 8.")
	} else {
		Doc(name+" is areaCols_I16_U8_generic with cn = 1, areaBits = 12 and areaAccBits = 8",
			"for len(dst) a multiple of 8 and n a positive multiple of 8.")
	}
	dst := Load(Param("dst").Base(), GP64())
	m := Load(Param("dst").Len(), GP64())
	xofs := Load(Param("xofs").Base(), GP64())
	xw := Load(Param("xw").Base(), GP64())
	half := broadcast32(1<<27 + 1<<19) // the offset of vacc times 1<<12, and the rounding term
	var perm VecVirtual
	if !n4 {
		r := GP64()
		MOVQ(U64(0x07030602_05010400), r)
		x := XMM()
		MOVQ(r, x)
		perm = YMM()
		VPMOVZXBD(x, perm)
	}
	SHRQ(Imm(3), m)
	JZ(LabelRef("done"))
	// pair loads the indices of outputs k and k+1 with one 64-bit load
	// (they are non-negative, so the low half zero-extends).
	pair := func(k int) (GPVirtual, GPVirtual) {
		i0, i1 := GP64(), GP64()
		MOVQ(Mem{Base: xofs, Disp: 4 * k}, i1)
		MOVL(i1.As32(), i0.As32())
		SHRQ(Imm(32), i1)
		return i0, i1
	}
	var acc [4]VecVirtual
	for j := range acc {
		acc[j] = YMM()
	}
	Label("block")
	var s VecVirtual
	if n4 {
		vacc := Load(Param("vacc").Base(), GP64())
		for h := 0; h < 2; h++ { // acc[h]: outputs 4h, 4h+1 | 4h+2, 4h+3
			x0, x1 := acc[h].AsX(), XMM()
			i0, i1 := pair(4 * h)
			VMOVQ(Mem{Base: vacc, Index: i0, Scale: 2}, x0)
			VPINSRQ(Imm(1), Mem{Base: vacc, Index: i1, Scale: 2}, x0, x0)
			i2, i3 := pair(4*h + 2)
			VMOVQ(Mem{Base: vacc, Index: i2, Scale: 2}, x1)
			VPINSRQ(Imm(1), Mem{Base: vacc, Index: i3, Scale: 2}, x1, x1)
			VINSERTI128(Imm(1), x1, acc[h], acc[h])
			VPMADDWD(Mem{Base: xw, Disp: 32 * h}, acc[h], acc[h])
		}
		ADDQ(Imm(64), xw)
		VPHADDD(acc[1], acc[0], acc[0]) // o0 o1 o4 o5 | o2 o3 o6 o7
		VPERMQ(Imm(0xD8), acc[0], acc[0])
		s = acc[0]
	} else {
		v := YMM()
		base := Load(Param("vacc").Base(), GP64())
		g := Load(Param("n"), GP64())
		SHRQ(Imm(3), g)
		group := func(first bool) {
			for j := range acc {
				i0, i1 := pair(2 * j)
				VMOVDQU(Mem{Base: base, Index: i0, Scale: 2}, v.AsX())
				VINSERTI128(Imm(1), Mem{Base: base, Index: i1, Scale: 2}, v, v)
				if first {
					VPMADDWD(Mem{Base: xw, Disp: 32 * j}, v, acc[j])
					continue
				}
				VPMADDWD(Mem{Base: xw, Disp: 32 * j}, v, v)
				VPADDD(v, acc[j], acc[j])
			}
			ADDQ(Imm(16), base)
			ADDQ(Imm(128), xw)
		}
		group(true)
		DECQ(g)
		JZ(LabelRef("reduce"))
		Label("group")
		group(false)
		DECQ(g)
		JNZ(LabelRef("group"))
		Label("reduce")
		VPHADDD(acc[1], acc[0], acc[0]) // lanes: o0 o0 o2 o2 | o1 o1 o3 o3 (halves)
		VPHADDD(acc[3], acc[2], acc[2]) // lanes: o4 o4 o6 o6 | o5 o5 o7 o7
		VPHADDD(acc[2], acc[0], acc[0]) // o0 o2 o4 o6 | o1 o3 o5 o7
		VPERMD(acc[0], perm, acc[0])
		s = acc[0]
	}
	VPADDD(half, s, s)
	VPSRLD(Imm(20), s, s)
	packStore8(s, Mem{Base: dst})
	ADDQ(Imm(8), dst)
	ADDQ(Imm(32), xofs)
	DECQ(m)
	JNZ(LabelRef("block"))
	Label("done")
	VZEROUPPER()
	RET()
}

// areaWidePairs is the most tap pairs an output of areaColsWide has
// (preprocess's areaWidePairs).
const areaWidePairs = 3

// areaColsWide: the horizontal pass of the fractional Area filter for gray
// rows with AVX-512 (F and BW), 16 outputs a block from the tables of
// planAreaWide: the block's 64 vertical sums from vacc[base[b]] are loaded
// once into two ZMM registers, and for each of the np pairs of taps one
// VPERMI2W puts tap pair q of the 16 outputs in their dword (the indices
// are the table's), one VPMADDWD weighs and adds it, and the np dword
// vectors add up lane-wise to the 16 sums, which VPMOVDB stores in order.
func areaColsWide(np int) {
	name := fmt.Sprintf("areaColsWide%d_I16_Gray_avx512", np)
	TEXT(name, NOSPLIT, "func(dst []byte, vacc []int16, base []int32, tab []uint16)")
	Pragma("noescape")
	Doc(name+" is areaColsWide_I16_U8_generic with np = "+fmt.Sprint(np)+" for len(dst) a multiple of 16",
		"(AVX-512 F and BW).")
	dst := Load(Param("dst").Base(), GP64())
	m := Load(Param("dst").Len(), GP64())
	vacc := Load(Param("vacc").Base(), GP64())
	base := Load(Param("base").Base(), GP64())
	tab := Load(Param("tab").Base(), GP64())
	half := broadcastZ32(1<<27 + 1<<19) // the offset of vacc times 1<<12, and the rounding term
	SHRQ(Imm(4), m)
	JZ(LabelRef("done"))
	lo, hi, s := ZMM(), ZMM(), ZMM()
	Label("block")
	i := GP64()
	MOVL(Mem{Base: base}, i.As32()) // non-negative: zero-extended
	VMOVDQU64(Mem{Base: vacc, Index: i, Scale: 2}, lo)
	VMOVDQU64(Mem{Base: vacc, Index: i, Scale: 2, Disp: 64}, hi)
	for q := 0; q < np; q++ {
		x := ZMM()
		VMOVDQU64(Mem{Base: tab, Disp: 128 * q}, x)
		VPERMI2W(hi, lo, x)
		VPMADDWD(Mem{Base: tab, Disp: 128*q + 64}, x, x)
		if q == 0 {
			VPADDD(half, x, s)
		} else {
			VPADDD(x, s, s)
		}
	}
	VPSRLD(Imm(20), s, s)
	VPMOVDB(s, Mem{Base: dst})
	ADDQ(Imm(16), dst)
	ADDQ(Imm(4), base)
	ADDQ(U32(128*np), tab)
	DECQ(m)
	JNZ(LabelRef("block"))
	Label("done")
	VZEROUPPER()
	RET()
}

// areaRowsWide: areaRows with AVX-512 (F and BW), 128 pixels a block in four
// ZMM registers kept across the rows. VPUNPCKLBW and VPUNPCKHBW work within
// 128-bit lanes, so a[2h] holds the words of pixels 64h + 0-7, 16-23,
// 32-39, 48-55 and a[2h+1] those of 64h + 8-15, 24-31, 40-47, 56-63; two
// VPERMT2Q a pair put them back in order at the store.
func areaRowsWide() {
	TEXT("areaRows_U8_I16_avx512", NOSPLIT, "func(acc []int16, rows []byte, stride int, m []uint16)")
	Pragma("noescape")
	Doc("areaRows_U8_I16_avx512 is areaRows_U8_I16_generic for len(acc) a multiple of 128 and len(m) >= 1",
		"(AVX-512 F and BW).")
	acc := Load(Param("acc").Base(), GP64())
	n := Load(Param("acc").Len(), GP64())
	rows := Load(Param("rows").Base(), GP64())
	stride := Load(Param("stride"), GP64())
	zero := ZMM()
	VPXORD(zero, zero, zero)
	sign := broadcastZ32(0x80008000)
	bias := ZMM()
	kb := GP64()
	Load(Param("m").Len(), kb)
	SHRQ(Imm(1), kb)
	VPBROADCASTW(kb.As32(), bias)
	// The qword indices of VPERMT2Q: lanes 0 of a[2h] and a[2h+1], then
	// lanes 1 (the first 32 pixels), and lanes 2 and 3 (the next 32).
	idx := [2]VecVirtual{ZMM(), ZMM()}
	for i, q := range [2][8]uint8{{0, 1, 8, 9, 2, 3, 10, 11}, {4, 5, 12, 13, 6, 7, 14, 15}} {
		var v uint64
		for j, b := range q {
			v |= uint64(b) << (8 * j)
		}
		r := GP64()
		MOVQ(U64(v), r)
		x := XMM()
		VMOVQ(r, x)
		VPMOVZXBQ(x, idx[i])
	}
	SHRQ(Imm(7), n)
	JZ(LabelRef("done"))
	var a [4]VecVirtual
	for i := range a {
		a[i] = ZMM()
	}
	v, wz := ZMM(), ZMM()
	// For the block's two halves h (64 bytes apart), the pixels' low and
	// high bytes unpacked against zero into words, VPMULHUW by the row's
	// multiplier, added into a[2h] and a[2h+1].
	areaRowsLoop(a[:], wz, bias, rows, stride, func(x, y Op) { VMOVDQA64(x, y) }, func(p GPVirtual, mul VecVirtual) {
		for h := 0; h < 2; h++ {
			VPUNPCKLBW(Mem{Base: p, Disp: 64 * h}, zero, v)
			VPMULHUW(mul, v, v)
			VPADDW(v, a[2*h], a[2*h])
			VPUNPCKHBW(Mem{Base: p, Disp: 64 * h}, zero, v)
			VPMULHUW(mul, v, v)
			VPADDW(v, a[2*h+1], a[2*h+1])
		}
	})
	for h := 0; h < 2; h++ {
		for i := 0; i < 2; i++ {
			VMOVDQA64(idx[i], v)
			VPERMI2Q(a[2*h+1], a[2*h], v) // v: the indices, then the qwords; a[2h] is the first table
			VPXORD(sign, v, v)
			VMOVDQU64(v, Mem{Base: acc, Disp: 128*h + 64*i})
		}
	}
	ADDQ(Imm(128), rows)
	ADDQ(U32(256), acc)
	DECQ(n)
	JNZ(LabelRef("block"))
	Label("done")
	VZEROUPPER()
	RET()
}

// areaColsWidePaired: areaColsWide with one pair of taps, two blocks of 16
// outputs an iteration that share their base (planAreaWide's groups of 2):
// the 64 sums are loaded once for both.
func areaColsWidePaired() {
	name := "areaColsWide1x2_I16_Gray_avx512"
	TEXT(name, NOSPLIT, "func(dst []byte, vacc []int16, base []int32, tab []uint16)")
	Pragma("noescape")
	Doc(name+" is areaColsWide_I16_U8_generic with np = 1 for len(dst) a multiple of 32",
		"and base[2i+1] = base[2i] (AVX-512 F and BW).")
	dst := Load(Param("dst").Base(), GP64())
	m := Load(Param("dst").Len(), GP64())
	vacc := Load(Param("vacc").Base(), GP64())
	base := Load(Param("base").Base(), GP64())
	tab := Load(Param("tab").Base(), GP64())
	half := broadcastZ32(1<<27 + 1<<19) // the offset of vacc times 1<<12, and the rounding term
	SHRQ(Imm(5), m)
	JZ(LabelRef("done"))
	lo, hi := ZMM(), ZMM()
	Label("block")
	i := GP64()
	MOVL(Mem{Base: base}, i.As32()) // non-negative: zero-extended
	VMOVDQU64(Mem{Base: vacc, Index: i, Scale: 2}, lo)
	VMOVDQU64(Mem{Base: vacc, Index: i, Scale: 2, Disp: 64}, hi)
	for h := 0; h < 2; h++ {
		x := ZMM()
		VMOVDQU64(Mem{Base: tab, Disp: 128 * h}, x)
		VPERMI2W(hi, lo, x)
		VPMADDWD(Mem{Base: tab, Disp: 128*h + 64}, x, x)
		VPADDD(half, x, x)
		VPSRLD(Imm(20), x, x)
		VPMOVDB(x, Mem{Base: dst, Disp: 16 * h})
	}
	ADDQ(Imm(32), dst)
	ADDQ(Imm(8), base)
	ADDQ(U32(256), tab)
	DECQ(m)
	JNZ(LabelRef("block"))
	Label("done")
	VZEROUPPER()
	RET()
}

// areaLaneShapes are the layouts (outputs a lane k, windows r) areaColsLanes
// is generated for (preprocess's areaLaneShapes).
var areaLaneShapes = []struct{ k, r int }{{4, 2}, {2, 1}}

// areaColsLanes: the horizontal pass of the fractional Area filter for gray
// rows with AVX2, 32 outputs a block from the tables of planAreaLanes
// (shape k, r): each of the block's 16/k*r windows is a YMM register whose
// two 128-bit lanes are loaded from their own base in vacc (8 samples; the
// two bases are one qword of the table), one VPSHUFB (the table's control)
// puts each dword's pair of taps in place, one VPMADDWD weighs and adds
// them, and the r windows of a column add up lane-wise. With k = 4 the
// four columns are the block's 32 sums (lane l of column c: outputs
// 16l+4c to 16l+4c+3); with k = 2 each of the eight columns has two dwords
// an output, added by a qword shift and VPADDD, and columns 2j and 2j+1
// interleaved by VPBLENDD. The sums are rounded and shifted, packed by two
// VPACKUSDW and one VPACKUSWB into the block's 32 bytes in order (k = 2:
// outputs 4j+0, 2, 1, 3, which one VPSHUFB puts back) and stored. The
// horizontal pass of the 1080p frame took 89 us at factor 1.5 in shape
// {4, 1} (135 with areaCols2Perm, a VPERMD kernel for 2 taps since
// removed; {4, 1} itself was removed when areaFused took factor 1.5) and
// 69 us at 2.4 in {2, 1} (88 with areaCols4); shapes {4, 3}
// and {2, 2}, generated at first, took 77 and 42 us at 3.3 and 4.5
// against areaCols8's 71 and 37, and were dropped.
// Loading the second lane by VBROADCASTI128 and VPBLENDD instead of
// VINSERTI128 measured the same.
func areaColsLanes(k, r int) {
	name := fmt.Sprintf("areaColsLanes%dx%d_I16_Gray_avx2", k, r)
	TEXT(name, NOSPLIT, "func(dst []byte, vacc []int16, base []int32, tab []uint16)")
	Pragma("noescape")
	Doc(name + fmt.Sprintf(" is areaColsLanes_I16_U8_generic with k = %d and r = %d for len(dst) a multiple of 32.", k, r))
	dst := Load(Param("dst").Base(), GP64())
	m := Load(Param("dst").Len(), GP64())
	vacc := Load(Param("vacc").Base(), GP64())
	base := Load(Param("base").Base(), GP64())
	tab := Load(Param("tab").Base(), GP64())
	half := broadcast32(1<<27 + 1<<19) // the offset of vacc times 1<<12, and the rounding term
	var fix VecVirtual
	if k == 2 {
		// Per lane, bytes 4j+0, 2, 1, 3 for j = 0..3.
		fix = laneShuffle(0x07050604_03010200, 0x0f0d0e0c_0b090a08)
	}
	SHRQ(Imm(5), m)
	JZ(LabelRef("done"))
	cols := 16 / k
	acc := make([]VecVirtual, cols)
	for c := range acc {
		acc[c] = YMM()
	}
	v := YMM()
	Label("block")
	for c := 0; c < cols; c++ {
		for w := 0; w < r; w++ {
			u := c*r + w
			i0, i1 := GP64(), GP64()
			MOVQ(Mem{Base: base, Disp: 8 * u}, i1)
			MOVL(i1.As32(), i0.As32())
			SHRQ(Imm(32), i1)
			VMOVDQU(Mem{Base: vacc, Index: i0, Scale: 2}, v.AsX())
			VINSERTI128(Imm(1), Mem{Base: vacc, Index: i1, Scale: 2}, v, v)
			VPSHUFB(Mem{Base: tab, Disp: 64 * u}, v, v)
			if w == 0 {
				VPMADDWD(Mem{Base: tab, Disp: 64*u + 32}, v, acc[c])
				continue
			}
			VPMADDWD(Mem{Base: tab, Disp: 64*u + 32}, v, v)
			VPADDD(v, acc[c], acc[c])
		}
	}
	g := acc
	if k == 2 {
		g = make([]VecVirtual, 4)
		for j := range g {
			x, y := acc[2*j], acc[2*j+1]
			VPSRLQ(Imm(32), x, v)
			VPADDD(v, x, x) // dwords 0 and 2: outputs 4j, 4j+1
			VPSLLQ(Imm(32), y, v)
			VPADDD(v, y, y) // dwords 1 and 3: outputs 4j+2, 4j+3
			VPBLENDD(Imm(0xAA), y, x, x)
			g[j] = x
		}
	}
	for _, x := range g {
		VPADDD(half, x, x)
		VPSRLD(Imm(20), x, x)
	}
	VPACKUSDW(g[1], g[0], g[0])
	VPACKUSDW(g[3], g[2], g[2])
	VPACKUSWB(g[2], g[0], g[0])
	if k == 2 {
		VPSHUFB(fix, g[0], g[0])
	}
	VMOVDQU(g[0], Mem{Base: dst})
	units := cols * r
	ADDQ(Imm(32), dst)
	ADDQ(U32(8*units), base)
	ADDQ(U32(64*units), tab)
	DECQ(m)
	JNZ(LabelRef("block"))
	Label("done")
	VZEROUPPER()
	RET()
}

// areaFused: both passes of the fractional Area filter for gray rows of at
// most 2 taps an output, 32 outputs a block from the tables of
// planAreaFused, with no intermediate row: YMM register g of the block
// (outputs 8g to 8g+7, lane l holding 8g+4l to 8g+4l+3, one a dword) loads
// the 16 source bytes at its base in each source row by VBROADCASTI128, one
// VPSHUFB (the table's control, kept in a register across the rows) puts
// each output's two taps in the high bytes of the words of its dword, and
// VPMULHUW by the row's multiplier and VPADDW accumulate them from the bias
// as areaRows does; then one VPMADDWD (the table's weights) gives each
// output's sum, rounded and shifted as areaCols does, two VPACKUSDW and one
// VPACKUSWB pack the four registers (outputs 0-3, 8-11, 16-19, 24-27 |
// 4-7, ...) and one VPERMD (lumaPerm, loaded a block: the registers are
// taken) puts them in order. The first two rows are
// unrolled, their multipliers broadcast once for all blocks (with one row,
// the second is the first again with multiplier 0); rows past them loop.
// The 1080p frame at factor 1.5 with AVX-512 off (two rows a destination
// row) took 179 us with a loop over all the rows (a broadcast and the bias
// moves a block), as the two passes did (180), and 124 us unrolled (factor
// 4: 92; medians of 5 runs, loaded machine).
func areaFused() {
	name := "areaFused_U8_U8_avx2"
	TEXT(name, NOSPLIT, "func(dst []byte, rows []byte, stride int, m []uint16, base []int32, tab []uint16)")
	Pragma("noescape")
	Doc(name + " is areaFused_U8_U8_generic for len(dst) a multiple of 32 and len(m) >= 1.")
	dst := Load(Param("dst").Base(), GP64())
	n := Load(Param("dst").Len(), GP64())
	rows := Load(Param("rows").Base(), GP64())
	stride := Load(Param("stride"), GP64())
	base := Load(Param("base").Base(), GP64())
	tab := Load(Param("tab").Base(), GP64())
	bias := areaRowsBias()
	half := broadcast32(1<<27 + 1<<19) // the offset of the sums times 1<<12, and the rounding term
	mul0, mul1, s1 := areaRowsFirstTwo(stride)
	ADDQ(rows, s1) // the second row
	SHRQ(Imm(5), n)
	JZ(LabelRef("done"))
	var a, ctrl [4]VecVirtual
	var idx [4]GPVirtual
	for g := range a {
		a[g], ctrl[g] = YMM(), YMM()
	}
	v := YMM()
	Label("block")
	for g := range a {
		idx[g] = GP64()
		MOVL(Mem{Base: base, Disp: 4 * g}, idx[g].As32()) // non-negative: zero-extended
		VMOVDQU(Mem{Base: tab, Disp: 64 * g}, ctrl[g])
	}
	for r, mul := range []VecVirtual{mul0, mul1} {
		p := rows
		if r == 1 {
			p = s1
		}
		for g := range a {
			from := a[g]
			if r == 0 {
				from = bias
			}
			areaRowTerm(Mem{Base: p, Index: idx[g], Scale: 1}, ctrl[g], mul, v, from, a[g])
		}
	}
	// The registers are taken: the loop over the rows past the first two
	// reloads its count, multipliers and stride from the arguments.
	k := Load(Param("m").Len(), GP64())
	SUBQ(Imm(2), k)
	JBE(LabelRef("cols"))
	{
		w := Load(Param("m").Base(), GP64())
		ADDQ(Imm(4), w)
		p := GP64()
		MOVQ(s1, p)
		st, err := Param("stride").Resolve()
		if err != nil {
			panic(err)
		}
		mul := YMM()
		Label("row")
		ADDQ(st.Addr, p)
		VPBROADCASTW(Mem{Base: w}, mul)
		for g := range a {
			areaRowTerm(Mem{Base: p, Index: idx[g], Scale: 1}, ctrl[g], mul, v, a[g], a[g])
		}
		ADDQ(Imm(2), w)
		DECQ(k)
		JNZ(LabelRef("row"))
	}
	Label("cols")
	for g := range a {
		VPMADDWD(Mem{Base: tab, Disp: 64*g + 32}, a[g], a[g])
		VPADDD(half, a[g], a[g])
		VPSRLD(Imm(20), a[g], a[g])
	}
	VPACKUSDW(a[1], a[0], a[0])
	VPACKUSDW(a[3], a[2], a[2])
	VPACKUSWB(a[2], a[0], a[0])
	VMOVDQU(lumaPerm, v)
	VPERMD(a[0], v, a[0])
	VMOVDQU(a[0], Mem{Base: dst})
	ADDQ(Imm(32), dst)
	ADDQ(Imm(16), base)
	ADDQ(U32(256), tab)
	DECQ(n)
	JNZ(LabelRef("block"))
	Label("done")
	VZEROUPPER()
	RET()
}

// areaColsPairs: the horizontal pass of the fractional Area filter for gray
// rows whose pairs of outputs 2i, 2i+1 have their taps within the 8
// samples from xofs[2i], 8 outputs a block from the tables of
// planAreaPairs, with no shuffles: YMM window 0 loads the 8 samples of
// pair (0, 1) in its low lane and of (4, 5) in its high lane, window 1
// those of (2, 3) and (6, 7); VPMADDWD by the table's weights gives, for
// q = 0 to 3, register a_q with the four dword sums of output q in its low
// lane and of output 4+q in its high lane (windows q/2, the even or odd
// output's weights), which three VPHADDD reduce to the 8 sums in order.
// It serves factors such as 3.3, whose outputs have 4 or 5 taps (more than
// areaColsLanes' shapes hold) but whose pairs span at most 8 samples: the
// 1080p frame at 3.3 with AVX-512 off went from 127 to 102 us against
// areaCols8 (vs-f4 1.41 to 1.13; factor 4: 90 us; medians of 5
// interleaved runs of the binaries, loaded machine; 145 to 123 in a
// noisier second session). At 2.4 it was slower than areaColsLanes2x1
// (159 against 137 us), which keeps the rows it holds. Fusing the vertical
// pass into it (as areaFused does, 4 outputs a register: the pairs of this
// layout, or 2 outputs of 4 taps a lane for 2.4) was slower too: 147 us at
// 3.3 and 135 at 2.4, against 127 for the two passes of the time.
func areaColsPairs() {
	name := "areaColsPairs_I16_Gray_avx2"
	TEXT(name, NOSPLIT, "func(dst []byte, vacc []int16, xofs []int32, tab []uint16)")
	Pragma("noescape")
	Doc(name + " is areaColsPairs_I16_U8_generic for len(dst) a multiple of 8.")
	dst := Load(Param("dst").Base(), GP64())
	m := Load(Param("dst").Len(), GP64())
	vacc := Load(Param("vacc").Base(), GP64())
	xofs := Load(Param("xofs").Base(), GP64())
	tab := Load(Param("tab").Base(), GP64())
	half := broadcast32(1<<27 + 1<<19) // the offset of vacc times 1<<12, and the rounding term
	SHRQ(Imm(3), m)
	JZ(LabelRef("done"))
	var a [4]VecVirtual
	for q := range a {
		a[q] = YMM()
	}
	w := [2]VecVirtual{YMM(), YMM()}
	Label("block")
	for h := range w {
		i0, i1 := GP64(), GP64()
		MOVL(Mem{Base: xofs, Disp: 8 * h}, i0.As32()) // non-negative: zero-extended
		MOVL(Mem{Base: xofs, Disp: 16 + 8*h}, i1.As32())
		VMOVDQU(Mem{Base: vacc, Index: i0, Scale: 2}, w[h].AsX())
		VINSERTI128(Imm(1), Mem{Base: vacc, Index: i1, Scale: 2}, w[h], w[h])
	}
	for q := range a {
		VPMADDWD(Mem{Base: tab, Disp: 32 * q}, w[q/2], a[q])
	}
	VPHADDD(a[1], a[0], a[0]) // lanes: o0 o0 o1 o1 | o4 o4 o5 o5 (halves)
	VPHADDD(a[3], a[2], a[2]) // lanes: o2 o2 o3 o3 | o6 o6 o7 o7
	VPHADDD(a[2], a[0], a[0]) // o0 o1 o2 o3 | o4 o5 o6 o7
	VPADDD(half, a[0], a[0])
	VPSRLD(Imm(20), a[0], a[0])
	packStore8(a[0], Mem{Base: dst})
	ADDQ(Imm(8), dst)
	ADDQ(Imm(32), xofs)
	ADDQ(Imm(128), tab)
	DECQ(m)
	JNZ(LabelRef("block"))
	Label("done")
	VZEROUPPER()
	RET()
}
