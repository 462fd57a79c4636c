// Command _gen generates detect's amd64 tree walk with avo:
//
//	cd detect/_gen && go run . -out ../walk_amd64.s -stubs ../walk_amd64.go -pkg detect
//
// The detector's walk is plain x86-64, no SIMD: each window's walk is a chain of
// dependent loads, eleven chains overlap (each node in a register), and what
// limits them is the loads and instructions per node, which the Go
// compiler's register allocation about doubles for that many chains at once;
// the survivors are packed afterwards, 16 at a time with AVX-512 (keep16).
// The localisation's stage is
// AVX2, eight estimates per register, in two forms: locStage8 fetches
// codes and pixels with gathers; locStage8L fetches codes, pixels and the
// leaves' offsets lane by lane with plain loads, which on AMD's Zen 5 cost
// less than its gathers (what bounded locStage8 there). The same results bit
// for bit; the package picks one by the CPU.
package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

func main() {
	ConstraintExpr("!purego,!noasm")
	step11()
	keep16()
	first32()
	first64()
	for st := dealMin; st <= dealMax; st++ {
		deal(st)
	}
	locStage8()
	locStage8L()
	lowest8()
	Generate()
}

// stepW is the number of windows step11 walks at once, each window's node
// in a register: with the node's probe offsets, the window's pixel pointer
// and the table, eleven use all 15 registers (BP among them, which the
// assembler's prologue saves and its epilogue restores; the level count is
// on the stack). With the scores kept in XMM registers and the survivors
// kept afterwards (keep16), eleven took about 3.5% less of the detector's
// time at 480p than nine, ten about 2% (on a Zen 5 EPYC); before, nine and
// ten walked the scan's trees about as fast, eight about 5% slower.
const stepW = 11

// step11 runs trees consecutive trees for windows in groups of stepW, each
// window's node in a register and its score in an XMM register, and writes
// the scores (out plus the leaves' predictions) back to out; the windows
// still above the last tree's threshold are kept afterwards, all at once
// (keep16, or keepGeneric without AVX-512). Keeping them in the group,
// window by window, and the scores in out between the trees of a stage
// (a load and a store per window and tree) took about 8% more of the
// detector's time at 480p (nine windows, on a Zen 5 EPYC). Per window and
// level it loads
// the window's pointer (kept on the stack), the node's two probe offsets
// with one 8-byte load split in registers (two 4-byte loads were about 4%
// slower), and the two pixels, the second as the operand of a CMPB whose
// borrow picks the child (SBB), 4 loads and 8 instructions against 5 and 9
// before. The first level, whose node is 1 for every window, is walked
// from the pointers. A tree before the last adds its leaves' predictions
// to the scores and the group walks the next tree from the same
// pointers: the trees of a stage of the cascade whose thresholds cannot
// reject a window (see FaceCascade.ends) cost no pass over the windows.
// Loading both children's probes ahead of the compare (a CMOV on its
// borrow picks one: a shorter chain per level, but a load more and two
// registers per window, so 5 or 6 windows at once, or 8 to 11 with the
// node or the probes on the stack) was 20 to 50% slower.
func step11() {
	w := stepW
	TEXT("step11", NOSPLIT, "func(centre []int32, out []float32, n int, probes []uint64, preds []float32, pix []byte, depth int, trees int)")
	Pragma("noescape")
	Doc("step11 adds to out[k] the predictions of the leaves that trees consecutive",
		"trees reach for the window at centre[k] (treeStepGeneric's walk, without",
		"the threshold), for n >= 1 windows, depth >= 1 and trees >= 1; centre",
		fmt.Sprintf("and out have length n rounded up to a multiple of %d (the windows past", w),
		"n are copies whose scores are junk); the caller has checked that",
		"len(probes) >= trees<<depth, len(preds) >= trees<<depth, and that every",
		"probe of every window is inside pix.")
	loc := AllocLocal(w*8 + 9*8)
	ptr := func(j int) Mem { return loc.Offset(8 * j) }
	kLoc, remLoc, adjLoc := loc.Offset(8*w), loc.Offset(8*w+8), loc.Offset(8*w+16)
	adj0Loc, tabLoc, tLoc, pStrLoc, tStrLoc := loc.Offset(8*w+24), loc.Offset(8*w+32), loc.Offset(8*w+40), loc.Offset(8*w+48), loc.Offset(8*w+56)
	lvlLoc := loc.Offset(8*w + 64)

	// adj + node*4 is the address of node's prediction (node >= 1<<depth)
	// in the first tree; each tree's predictions are 4<<depth bytes on,
	// its probes 8<<depth.
	{
		adj, l := GP64(), GP64()
		Load(Param("preds").Base(), adj)
		Load(Param("depth"), RCX)
		MOVL(U32(4), l.As32())
		SHLQ(CL, l) // 4<<depth
		MOVQ(l, pStrLoc)
		SUBQ(l, adj)
		MOVQ(adj, adj0Loc)
		ADDQ(l, l)
		MOVQ(l, tStrLoc)
	}
	{
		z := GP64()
		XORQ(z, z)
		MOVQ(z, kLoc)
		n := Load(Param("n"), GP64())
		MOVQ(n, remLoc)
	}

	Label("group")
	node := make([]GPVirtual, w)
	score := make([]VecVirtual, w)
	{
		// Each window's pointer (its centre in pix), kept for every tree,
		// and its score.
		cb, ob, k := GP64(), GP64(), GP64()
		Load(Param("centre").Base(), cb)
		Load(Param("out").Base(), ob)
		MOVQ(kLoc, k)
		pix := Load(Param("pix").Base(), GP64())
		for j := 0; j < w; j++ {
			t := GP64()
			MOVLQSX(Mem{Base: cb, Index: k, Scale: 4, Disp: 4 * j}, t)
			ADDQ(pix, t)
			MOVQ(t, ptr(j))
			score[j] = XMM()
			MOVSS(Mem{Base: ob, Index: k, Scale: 4, Disp: 4 * j}, score[j])
		}
		tab, adj, tr := GP64(), GP64(), GP64()
		Load(Param("probes").Base(), tab)
		MOVQ(tab, tabLoc)
		MOVQ(adj0Loc, adj)
		MOVQ(adj, adjLoc)
		Load(Param("trees"), tr)
		MOVQ(tr, tLoc)
	}
	Label("tree")
	{
		// Every walk starts at node 1, whose probes (a1, b1) are the same
		// for all.
		tab := GP64()
		MOVQ(tabLoc, tab)
		a1, b1 := GP64(), GP64()
		MOVQ(Mem{Base: tab, Disp: 8}, b1)
		MOVLQSX(b1.As32(), a1)
		SARQ(Imm(32), b1)
		for j := 0; j < w; j++ {
			p, x := GP64(), GP64()
			MOVQ(ptr(j), p)
			node[j] = GP64()
			MOVBLZX(Mem{Base: p, Index: b1, Scale: 1}, x.As32())
			MOVL(U32(3), node[j].As32())
			CMPB(x.As8(), Mem{Base: p, Index: a1, Scale: 1})
			SBBQ(Imm(0), node[j])
		}
	}
	tab := GP64()
	MOVQ(tabLoc, tab)
	lvl := Load(Param("depth"), GP64())
	DECQ(lvl)
	MOVQ(lvl, lvlLoc)
	JZ(LabelRef("walked"))
	Label("level")
	// At node n, the pixels p1 at a and p2 at b (probes[n] = (a, b)): the
	// next node is 2n + 1 - (p2 < p1), the borrow of p2 - p1.
	for j := 0; j < w; j++ {
		p, a, b := GP64(), GP64(), GP64()
		MOVQ(ptr(j), p)
		MOVQ(Mem{Base: tab, Index: node[j], Scale: 8}, b)
		MOVLQSX(b.As32(), a)
		SARQ(Imm(32), b)
		MOVBLZX(Mem{Base: p, Index: b, Scale: 1}, b.As32())
		ADDQ(node[j], node[j])
		CMPB(b.As8(), Mem{Base: p, Index: a, Scale: 1})
		SBBQ(I8(-1), node[j])
	}
	DECQ(lvlLoc)
	JNZ(LabelRef("level"))
	Label("walked")
	{
		// Add the leaves' predictions to the scores; before the last
		// tree, walk the next.
		adj := GP64()
		MOVQ(adjLoc, adj)
		for j := 0; j < w; j++ {
			ADDSS(Mem{Base: adj, Index: node[j], Scale: 4}, score[j])
		}
		tr := GP64()
		MOVQ(tLoc, tr)
		CMPQ(tr, Imm(1))
		JE(LabelRef("last"))
		ADDQ(pStrLoc, adj)
		MOVQ(adj, adjLoc)
		t2 := GP64()
		MOVQ(tabLoc, t2)
		ADDQ(tStrLoc, t2)
		MOVQ(t2, tabLoc)
		DECQ(tLoc)
		JMP(LabelRef("tree"))
	}
	Label("last")
	{
		ob, k := GP64(), GP64()
		Load(Param("out").Base(), ob)
		MOVQ(kLoc, k)
		for j := 0; j < w; j++ {
			MOVSS(score[j], Mem{Base: ob, Index: k, Scale: 4, Disp: 4 * j})
		}
		ADDQ(Imm(uint64(w)), k)
		MOVQ(k, kLoc)
		SUBQ(Imm(uint64(w)), remLoc)
		JG(LabelRef("group"))
	}
	RET()
}

// keep16 keeps the windows whose score is above thr, as keepGeneric, 16 at
// a time (AVX-512): each block's scores are compared at once, and the
// centres, numbers and scores of those above are packed (VPCOMPRESSD,
// VCOMPRESSPS) and stored at the next free slot with a mask of their count,
// so that nothing is written past the windows kept; the last block is
// loaded with a mask of the windows left.
func keep16() {
	TEXT("keep16", NOSPLIT, "func(centre, win []int32, out []float32, thr float32) int")
	Pragma("noescape")
	Doc("keep16 is keepGeneric with AVX-512 (F) and BMI2, for centre, win and out of",
		"equal lengths.")
	cb, wb, ob := GP64(), GP64(), GP64()
	Load(Param("centre").Base(), cb)
	Load(Param("win").Base(), wb)
	Load(Param("out").Base(), ob)
	n := Load(Param("centre").Len(), GP64())
	k, live, ones := GP64(), GP64(), GP64()
	XORQ(k, k)
	XORQ(live, live)
	TESTQ(n, n)
	JZ(LabelRef("keepdone"))
	th := ZMM()
	tp, err := Param("thr").Resolve()
	if err != nil {
		panic(err)
	}
	VBROADCASTSS(tp.Addr, th)
	MOVQ(I32(-1), ones)
	Label("keepblock")
	// The block's windows: min(16, n-k).
	rem, c16 := GP64(), GP64()
	MOVQ(n, rem)
	SUBQ(k, rem)
	MOVL(U32(16), c16.As32())
	CMPQ(rem, c16)
	CMOVQGT(c16, rem)
	m := GP64()
	BZHIQ(rem, ones, m)
	in, up, st := K(), K(), K()
	KMOVW(m.As32(), in)
	o, c, wn := ZMM(), ZMM(), ZMM()
	VMOVUPS_Z(Mem{Base: ob, Index: k, Scale: 4}, in, o)
	VCMPPS(Imm(0x1e), th, o, in, up) // o > thr, ordered (GT_OQ): as UCOMISS's "above"
	cnt := GP64()
	KMOVW(up, cnt.As32())
	POPCNTL(cnt.As32(), cnt.As32())
	BZHIQ(cnt, ones, m)
	KMOVW(m.As32(), st)
	VMOVDQU32_Z(Mem{Base: cb, Index: k, Scale: 4}, in, c)
	VMOVDQU32_Z(Mem{Base: wb, Index: k, Scale: 4}, in, wn)
	VPCOMPRESSD_Z(c, up, c)
	VPCOMPRESSD_Z(wn, up, wn)
	VCOMPRESSPS_Z(o, up, o)
	// live <= k: the slots written are at most the block's, already read.
	VMOVDQU32(c, st, Mem{Base: cb, Index: live, Scale: 4})
	VMOVDQU32(wn, st, Mem{Base: wb, Index: live, Scale: 4})
	VMOVUPS(o, st, Mem{Base: ob, Index: live, Scale: 4})
	ADDQ(cnt, live)
	ADDQ(Imm(16), k)
	CMPQ(k, n)
	JL(LabelRef("keepblock"))
	VZEROUPPER()
	Label("keepdone")
	Store(live, ReturnIndex(0))
	RET()
}

// leafDepth is the tree depth first32 walks (pigo's facefinder's).
const leafDepth = 6

// first32 walks the first tree of the cascade, of depth leafDepth, for
// every position of a run of a row, 32 positions to a register (AVX2):
// all 63 nodes are compared for every position (an unaligned load, a max
// with the other pixel loaded and a compare: p1 <= p2 where
// max(p1, p2) == p2), and each level's branch is picked from its nodes'
// results by a tree of blends on the branches above (2^(l-1) - 1 blends at
// level l, 57 in all). The leaves' bits build up as acc = 2*acc - branch.
// Whether a leaf passes the tree is two table lookups (VPSHUFB) into a
// byte table of the 64 leaves' verdicts; the positions that are windows
// and pass are a bit mask, and only they are written out, one by one.
// Where the windows of a scale are 2 or 3 pixels apart the run's
// positions cost fewer instructions than the scalar walk of its windows.
func first32() {
	TEXT("first32", NOSPLIT, "func(centre, win []int32, out []float32, live int, pix []byte, base int, n int, winBase int, probes []uint64, preds []float32, lut *[16]byte, pat []uint32) int")
	Pragma("noescape")
	Doc("first32 is firstGeneric for n >= 32, a multiple of 32: len(pat) >= n/32,",
		"centre, win and out have room for live plus the windows pat marks, and",
		"the caller has checked len(probes) >= 64, len(preds) >= 64, and that",
		"every probe of every position is inside pix.")
	f := firstPrologue(5)
	p, tab := firstBlock(f)
	// cmp returns node n's comparison for the 32 positions: 0xff where
	// the pixel at a is not brighter than the one at b.
	cmp := func(n int) VecVirtual {
		a, b := firstProbe(tab, n)
		pb, mx := YMM(), YMM()
		VMOVDQU(Mem{Base: p, Index: b, Scale: 1}, pb)
		VPMAXUB(Mem{Base: p, Index: a, Scale: 1}, pb, mx)
		VPCMPEQB(pb, mx, mx)
		return mx
	}
	s := firstBranches(cmp, func(sel, hi, lo VecVirtual) VecVirtual {
		m := YMM()
		VPBLENDVB(sel, hi, lo, m)
		return m
	})
	// The leaf's bits from the branches (0xff is -1): acc = 2*acc - s[l].
	acc := YMM()
	VPXOR(acc, acc, acc)
	for l := 1; l <= leafDepth; l++ {
		VPADDB(acc, acc, acc)
		VPSUBB(s[l], acc, acc)
	}
	VMOVDQU(acc, f.leaf)
	// The verdict of leaf v (< 64) is bit v>>4 of lut[v&15].
	m := GP64()
	{
		lp := Load(Param("lut"), GP64())
		lut, hi, bits, x, c0f := YMM(), YMM(), YMM(), YMM(), YMM()
		VBROADCASTI128(Mem{Base: lp}, lut)
		VPSHUFB(acc, lut, x) // lut[v&15]: v < 64 has bit 7 clear
		t := GP64()
		MOVL(U32(0x0f0f0f0f), t.As32())
		MOVQ(t, hi.AsX())
		VPBROADCASTD(hi.AsX(), c0f)
		VPSRLW(Imm(4), acc, hi)
		VPAND(c0f, hi, hi)
		MOVQ(U64(0x0000000008040201), t)
		MOVQ(t, bits.AsX())
		VPBROADCASTQ(bits.AsX(), bits)
		VPSHUFB(hi, bits, bits) // 1 << (v>>4)
		VPAND(bits, x, x)
		VPCMPEQB(bits, x, x)
		VPMOVMSKB(x, m.As32())
		pt, blk := GP64(), GP64()
		Load(Param("pat").Base(), pt)
		MOVQ(f.pos, blk)
		SHRQ(Imm(5), blk)
		ANDL(Mem{Base: pt, Index: blk, Scale: 4}, m.As32())
	}
	firstEmit(f, m)
}

// firstLocals are first32's and first64's stack slots: the block's leaf
// numbers, the blocks left, the windows written so far and the block's
// first position.
type firstLocals struct{ leaf, cnt, live, pos Mem }

// firstPrologue allocates the locals for blocks of 1<<shift positions and
// sets the blocks left (n>>shift), the windows written (live) and the
// position (0).
func firstPrologue(shift uint64) firstLocals {
	var f firstLocals
	f.leaf = AllocLocal(1 << shift)
	loc := AllocLocal(8 * 3)
	f.cnt, f.live, f.pos = loc.Offset(0), loc.Offset(8), loc.Offset(16)
	cnt := Load(Param("n"), GP64())
	SHRQ(Imm(shift), cnt)
	MOVQ(cnt, f.cnt)
	live := Load(Param("live"), GP64())
	MOVQ(live, f.live)
	z := GP64()
	XORQ(z, z)
	MOVQ(z, f.pos)
	return f
}

// firstBlock starts a block (label "block"): p points at the block's
// first position in pix (base + pos), tab at the probe table.
func firstBlock(f firstLocals) (p, tab GPVirtual) {
	Label("block")
	p, tab = GP64(), GP64()
	Load(Param("pix").Base(), p)
	bs, pos := GP64(), GP64()
	Load(Param("base"), bs)
	MOVQ(f.pos, pos)
	ADDQ(bs, p)
	ADDQ(pos, p)
	Load(Param("probes").Base(), tab)
	return p, tab
}

// firstProbe loads node n's two probe offsets from the probe table (the
// low and high halves of its word, sign-extended).
func firstProbe(tab GPVirtual, n int) (a, b GPVirtual) {
	a, b = GP64(), GP64()
	MOVQ(Mem{Base: tab, Disp: 8 * n}, b)
	MOVLQSX(b.As32(), a)
	SARQ(Imm(32), b)
	return a, b
}

// firstBranches returns the branch taken at each level of the first tree
// (s[1] to s[leafDepth]) for every position: cmp gives a node's
// comparison, blend(sel, hi, lo) picks hi where sel is set.
func firstBranches(cmp func(n int) VecVirtual, blend func(sel, hi, lo VecVirtual) VecVirtual) []VecVirtual {
	s := make([]VecVirtual, leafDepth+1) // s[l]: the branch taken at level l
	s[1] = cmp(1)
	for l := 2; l <= leafDepth; l++ {
		// The nodes of level l in order, reduced pairwise: a block of 2^h
		// nodes shares the branches above level l-h, and two blocks are
		// merged by the branch at level l-1-h.
		type blk struct {
			v VecVirtual
			h int
		}
		var stack []blk
		for j := 0; j < 1<<(l-1); j++ {
			stack = append(stack, blk{cmp(1<<(l-1) + j), 0})
			for len(stack) >= 2 && stack[len(stack)-1].h == stack[len(stack)-2].h {
				lo, hi := stack[len(stack)-2], stack[len(stack)-1]
				stack = append(stack[:len(stack)-2], blk{blend(s[l-1-lo.h], hi.v, lo.v), lo.h + 1})
			}
		}
		s[l] = stack[0].v
	}
	return s
}

// emitRegs loads what the first-tree kernels' window output needs: the
// centre, window and output slices' bases, the predictions, the windows
// written (live), the position, and the base and window base advanced to
// that position.
func emitRegs(f firstLocals) (cb, wb, ob, pr, live, pos, bs, wbs GPVirtual) {
	cb, wb, ob, pr, live, pos, bs, wbs = GP64(), GP64(), GP64(), GP64(), GP64(), GP64(), GP64(), GP64()
	Load(Param("centre").Base(), cb)
	Load(Param("win").Base(), wb)
	Load(Param("out").Base(), ob)
	Load(Param("preds").Base(), pr)
	MOVQ(f.live, live)
	MOVQ(f.pos, pos)
	Load(Param("base"), bs)
	Load(Param("winBase"), wbs)
	ADDQ(pos, bs)
	ADDQ(pos, wbs)
	return
}

// emitEnd ends a first-tree kernel's block loop: the next block of
// width positions, and, after the last, the windows written returned.
func emitEnd(f firstLocals, width uint64) {
	Label("next")
	ADDQ(Imm(width), f.pos)
	DECQ(f.cnt)
	JNZ(LabelRef("block"))
	VZEROUPPER()
	r := GP64()
	MOVQ(f.live, r)
	Store(r, ReturnIndex(0))
	RET()
}

// firstEmit is first32's: it writes out the windows whose bits are set
// in m (the flags set by the instruction that made m: zero skips the
// block), one by one, then steps to the next block of 32 positions and
// returns the windows written (first64 has firstEmit64).
func firstEmit(f firstLocals, m GPVirtual) {
	JZ(LabelRef("next"))
	{
		cb, wb, ob, pr, live, _, bs, wbs := emitRegs(f)
		Label("window")
		i, lf, c := GP64(), GP64(), GP64()
		o := XMM()
		TZCNTL(m.As32(), i.As32())
		BLSRL(m.As32(), m.As32())
		MOVBLZX(f.leaf.Idx(i, 1), lf.As32())
		XORPS(o, o)
		ADDSS(Mem{Base: pr, Index: lf, Scale: 4}, o) // 0 + pred, as the scores start
		MOVSS(o, Mem{Base: ob, Index: live, Scale: 4})
		LEAQ(Mem{Base: bs, Index: i, Scale: 1}, c)
		MOVL(c.As32(), Mem{Base: cb, Index: live, Scale: 4})
		LEAQ(Mem{Base: wbs, Index: i, Scale: 1}, c)
		MOVL(c.As32(), Mem{Base: wb, Index: live, Scale: 4})
		INCQ(live)
		TESTL(m.As32(), m.As32())
		JNZ(LabelRef("window"))
		MOVQ(live, f.live)
	}
	emitEnd(f, 32)
}

// first64 is first32 with AVX-512 (F and BW), 64 positions to a register:
// each node's compare (VPCMPUB, p2 >= p1) gives a mask, widened to bytes
// (VPMOVM2B) for the blends, which are one VPTERNLOGD each (s ? hi : lo),
// the verdicts are a mask from VPTESTMB, and the windows are written
// packed, 16 positions at a time (firstEmit64).
func first64() {
	TEXT("first64", NOSPLIT, "func(centre, win []int32, out []float32, live int, pix []byte, base int, n int, winBase int, probes []uint64, preds []float32, lut *[16]byte, pat []uint32) int")
	Pragma("noescape")
	Doc("first64 is firstGeneric for n >= 64, a multiple of 64, with AVX-512: len(pat)",
		">= n/32, centre, win and out have room for live plus the windows pat",
		"marks plus firstSpare (it stores 16 slots at a time), and the caller",
		"has checked len(probes) >= 64, len(preds) >= 64, and that every probe",
		"of every position is inside pix.")
	f := firstPrologue(6)
	p, tab := firstBlock(f)
	// cmp returns node n's comparison for the 64 positions: 0xff where
	// the pixel at a is not brighter than the one at b.
	cmp := func(n int) VecVirtual {
		a, b := firstProbe(tab, n)
		pb, v := ZMM(), ZMM()
		k := K()
		VMOVDQU64(Mem{Base: p, Index: b, Scale: 1}, pb)
		VPCMPUB(Imm(5), Mem{Base: p, Index: a, Scale: 1}, pb, k) // p2 >= p1
		VPMOVM2B(k, v)
		return v
	}
	s := firstBranches(cmp, func(sel, hi, lo VecVirtual) VecVirtual {
		VPTERNLOGD(Imm(0xd8), sel, hi, lo) // lo = sel ? hi : lo
		return lo
	})
	acc := ZMM()
	VPXORD(acc, acc, acc)
	for l := 1; l <= leafDepth; l++ {
		VPADDB(acc, acc, acc)
		VPSUBB(s[l], acc, acc)
	}
	VMOVDQU64(acc, f.leaf)
	m := GP64()
	{
		lp := Load(Param("lut"), GP64())
		lut, hi, bits, x, c0f := ZMM(), ZMM(), ZMM(), ZMM(), ZMM()
		VBROADCASTI32X4(Mem{Base: lp}, lut)
		VPSHUFB(acc, lut, x) // lut[v&15]: v < 64 has bit 7 clear
		t := GP64()
		MOVL(U32(0x0f0f0f0f), t.As32())
		VPBROADCASTD(t.As32(), c0f)
		VPSRLW(Imm(4), acc, hi)
		VPANDD(c0f, hi, hi)
		MOVQ(U64(0x0000000008040201), t)
		VPBROADCASTQ(t, bits)
		VPSHUFB(hi, bits, bits) // 1 << (v>>4)
		k := K()
		VPTESTMB(x, bits, k)
		KMOVQ(k, m)
		pt, blk := GP64(), GP64()
		Load(Param("pat").Base(), pt)
		MOVQ(f.pos, blk)
		SHRQ(Imm(5), blk)
		ANDQ(Mem{Base: pt, Index: blk, Scale: 4}, m) // pat[blk] and pat[blk+1]
	}
	firstEmit64(f, m)
}

// firstEmit64 is firstEmit for first64's blocks of 64 positions with
// AVX-512: the windows of each 16 positions whose bits are set in m are
// packed (VPCOMPRESSD, VCOMPRESSPS) and stored 16 slots at a time (the
// slots past the windows written hold junk, overwritten by the next), and
// their scores, 0 plus their leaf's prediction, are looked up 16 at once
// (two VPERMI2PS over the 64 predictions and a blend on the leaf's bit 5).
func firstEmit64(f firstLocals, m GPVirtual) {
	JZ(LabelRef("next"))
	{
		cb, wb, ob, pr, live, _, bs, wbs := emitRegs(f)
		iota, c32, zero, tlo, thi := ZMM(), ZMM(), ZMM(), ZMM(), ZMM()
		VMOVDQU32(firstIota, iota)
		t := GP64()
		MOVL(U32(32), t.As32())
		VPBROADCASTD(t.As32(), c32)
		VPXORD(zero, zero, zero)
		VMOVUPS(Mem{Base: pr}, tlo)            // predictions 0-15
		VMOVUPS(Mem{Base: pr, Disp: 128}, thi) // 32-47
		kall := K()
		KMOVQ(m, kall)
		for q := 0; q < 4; q++ {
			kq := kall
			if q > 0 {
				kq = K()
				KSHIFTRQ(Imm(uint64(16*q)), kall, kq)
			}
			cnt := GP64()
			MOVQ(m, cnt)
			if q > 0 {
				SHRQ(Imm(uint64(16*q)), cnt)
			}
			MOVWLZX(cnt.As16(), cnt.As32())
			POPCNTL(cnt.As32(), cnt.As32())
			// The centres (base + pos + i) and numbers (winBase + pos + i).
			for _, v := range []struct{ from, to GPVirtual }{{bs, cb}, {wbs, wb}} {
				x, y := ZMM(), ZMM()
				a := GP64()
				LEAQ(Mem{Base: v.from, Disp: 16 * q}, a)
				VPBROADCASTD(a.As32(), x)
				VPADDD(iota, x, x)
				VPCOMPRESSD_Z(x, kq, y)
				VMOVDQU32(y, Mem{Base: v.to, Index: live, Scale: 4})
			}
			// The scores: the predictions of the leaves.
			lv, p1, p2, sc := ZMM(), ZMM(), ZMM(), ZMM()
			VPMOVZXBD(f.leaf.Offset(16*q), lv)
			VMOVDQA32(lv, p1)
			VPERMI2PS(Mem{Base: pr, Disp: 64}, tlo, p1) // leaves 0-31
			VMOVDQA32(lv, p2)
			VPERMI2PS(Mem{Base: pr, Disp: 192}, thi, p2) // leaves 32-63
			k5 := K()
			VPTESTMD(c32, lv, k5)
			VBLENDMPS(p2, p1, k5, p1)
			VADDPS(p1, zero, p1) // 0 + pred, as the scores start
			VCOMPRESSPS_Z(p1, kq, sc)
			VMOVUPS(sc, Mem{Base: ob, Index: live, Scale: 4})
			ADDQ(cnt, live)
		}
		MOVQ(live, f.live)
	}
	emitEnd(f, 64)
}

// firstIota is 0 to 15 as 32-bit words, for firstEmit64.
var firstIota Mem

func init() {
	firstIota = GLOBL("firstIota", RODATA|NOPTR)
	for j := 0; j < 16; j++ {
		DATA(4*j, U32(j))
	}
}

// permLevels is the number of levels whose codes locStage8 picks from
// registers (at depth permLevels and more).
const permLevels = 5

// permTables loads the codes of the first permLevels levels (nodes 0 to 30,
// column codes times csign) into four registers: nodes 0-7, 7-14, 15-22
// and 23-30, for permCode.
func permTables(cb Register, csign VecVirtual) [4]VecVirtual {
	var t [4]VecVirtual
	for j, first := range []int{0, 7, 15, 23} {
		t[j] = YMM()
		VMOVDQU(Mem{Base: cb, Disp: 4 * first}, t[j])
		VPSIGNB(csign, t[j], t[j])
	}
	return t
}

// permCode returns the codes of the nodes of level l (< permLevels), one
// per lane, picked from permTables' registers t by VPERMD (which reads the
// index's low three bits); one holds 1 in every lane.
func permCode(l int, t [4]VecVirtual, one, node VecVirtual) VecVirtual {
	c := YMM()
	switch l {
	case 0, 1, 2:
		VPERMD(t[0], node, c)
	case 3:
		i := YMM()
		VPADDD(one, node, i) // node 7 + j at lane j
		VPERMD(t[1], i, c)
	case 4:
		i, hi := YMM(), YMM()
		VPADDD(one, node, i) // nodes 15 + j and 23 + j at lane j
		VPERMD(t[2], i, c)
		VPERMD(t[3], i, hi)
		VPSLLD(Imm(28), i, i) // node >= 23: bit 3 of node+1
		VBLENDVPS(i, hi, c, c)
	}
	return c
}

// locStage8 runs one stage of a localisation cascade (LocCascade.regress
// when every probe is inside the plane) for estimates in groups of eight,
// one per 32-bit lane: for each tree, every group's walk advances one level
// at a time (the groups' chains of gathers overlap), and then each group
// adds its leaves' offsets to dr and dc.
func locStage8() {
	TEXT("locStage8", NOSPLIT, "func(codes []int8, preds []float32, pix []byte, dim, depth, trees, n int, csign, fsign uint32, ir, ic, is, idx []int32, dr, dc []float32)")
	Pragma("noescape")
	Doc("locStage8 is one stage of regress's tree loop (walkInside and the sums",
		"of the leaves' offsets into dr and dc, which it adds to) with AVX2, for",
		"n >= 8, a multiple of 8, estimates and depth >= 1; idx receives the last",
		"tree's leaves. ir, ic, is, idx, dr and dc have length >= n; codes holds",
		"trees*4*(1<<depth - 1) codes and preds trees*2<<depth offsets; csign is",
		"0x01010101, or 0xff01ff01 to negate the column codes (as int8, wrapping),",
		"and fsign 0 or the float32 sign bit to negate the column offsets. The",
		"caller has checked that every probe of every estimate is at an offset o",
		"with 3 <= o < len(pix) (the pixel gathers read the four bytes that end at",
		"o), that dim, the rows and 0 <= is are below 1<<15, and that ir and ic",
		"are below 1<<23.")

	cb := Load(Param("codes").Base(), GP64())
	adj := Load(Param("preds").Base(), GP64())
	pm := Load(Param("pix").Base(), GP64())
	SUBQ(Imm(3), pm)
	irb := Load(Param("ir").Base(), GP64())
	icb := Load(Param("ic").Base(), GP64())
	isb := Load(Param("is").Base(), GP64())
	idb := Load(Param("idx").Base(), GP64())
	n := Load(Param("n"), GP64())
	SHLQ(Imm(2), n) // bytes of lanes

	// cstep: the bytes of a tree's codes, 4*(1<<depth - 1); pstep: of its
	// offsets, 8<<depth. adj + 8*node is the row offset of leaf node
	// (1<<depth - 1 <= node < 2<<depth - 1): adj = tree's preds - 8*(1<<depth - 1).
	cstep, pstep := GP64(), GP64()
	Load(Param("depth"), RCX)
	MOVL(U32(1), cstep.As32())
	SHLQ(CL, cstep)
	DECQ(cstep)
	MOVQ(cstep, pstep)
	SHLQ(Imm(3), pstep)
	SUBQ(pstep, adj)
	SHLQ(Imm(2), cstep)
	MOVL(U32(8), pstep.As32())
	SHLQ(CL, pstep)

	csign, fsign, dimv, one := YMM(), YMM(), YMM(), YMM()
	{
		t := GP64()
		Load(Param("csign"), t.As32())
		MOVQ(t, csign.AsX())
		VPBROADCASTD(csign.AsX(), csign)
		Load(Param("fsign"), t.As32())
		MOVQ(t, fsign.AsX())
		VPBROADCASTD(fsign.AsX(), fsign)
		Load(Param("dim"), t)
		MOVQ(t, dimv.AsX())
		VPBROADCASTD(dimv.AsX(), dimv)
		MOVL(U32(1), t.As32())
		MOVQ(t, one.AsX())
		VPBROADCASTD(one.AsX(), one)
	}
	trees := Load(Param("trees"), GP64())
	// The next tree's codes and leaf offsets are prefetched while this
	// tree is walked, two lines of each a group and level, from pf up to
	// pfEnd and from pp up to ppEnd (kept on the stack): the codes'
	// gathers are the walk's chain of loads, and a cascade's codes and
	// offsets (hundreds of kilobytes) do not stay in the nearer caches
	// from one localisation to the next. After the last tree the lines
	// are the next stage's, or past the slices (a prefetch never faults).
	pfLoc := AllocLocal(32)
	pf, pfEnd := pfLoc.Offset(0), pfLoc.Offset(8)
	pp, ppEnd := pfLoc.Offset(16), pfLoc.Offset(24)

	// group emits one level's walk for every group of eight: fetch returns
	// the nodes' codes (signed by csign) given the nodes, which are zero
	// (and not loaded) at level 0.
	group := func(name string, root bool, fetch func(node VecVirtual) VecVirtual) {
		k := GP64()
		XORQ(k, k)
		Label(name)
		{
			t := GP64()
			MOVQ(pf, t)
			CMPQ(t, pfEnd)
			JAE(LabelRef(name + "_fetched"))
			PREFETCHT0(Mem{Base: t})
			PREFETCHT0(Mem{Base: t, Disp: 64})
			ADDQ(Imm(128), t)
			MOVQ(t, pf)
			Label(name + "_fetched")
			MOVQ(pp, t)
			CMPQ(t, ppEnd)
			JAE(LabelRef(name + "_pfetched"))
			PREFETCHT0(Mem{Base: t})
			PREFETCHT0(Mem{Base: t, Disp: 64})
			ADDQ(Imm(128), t)
			MOVQ(t, pp)
			Label(name + "_pfetched")
		}
		at := func(b Register) Mem { return Mem{Base: b, Index: k, Scale: 1} }
		node := YMM()
		if root {
			VPXOR(node, node, node)
		} else {
			VMOVDQU(at(idb), node)
		}
		c := fetch(node)
		// Words: e = (code0, code2), o = (code1, code3), sign-extended;
		// e2, o2 the high ones alone in the low word.
		e, o, e2, o2 := YMM(), YMM(), YMM(), YMM()
		VPSLLW(Imm(8), c, e)
		VPSRAW(Imm(8), e, e)
		VPSRAW(Imm(8), c, o)
		VPSRLD(Imm(16), e, e2)
		VPSRLD(Imm(16), o, o2)
		sc := YMM()
		VMOVDQU(at(isb), sc)
		// off returns ((ir + cr*is)>>8)*dim + (ic + cc*is)>>8.
		off := func(cr, cc VecVirtual) VecVirtual {
			r, x := YMM(), YMM()
			VPMADDWD(sc, cr, r)
			VPADDD(at(irb), r, r)
			VPSRAD(Imm(8), r, r)
			VPMADDWD(dimv, r, r)
			VPMADDWD(sc, cc, x)
			VPADDD(at(icb), x, x)
			VPSRAD(Imm(8), x, x)
			VPADDD(x, r, r)
			return r
		}
		o1 := off(e, o)
		o2v := off(e2, o2)
		p1, p2, m := YMM(), YMM(), YMM()
		VPCMPEQD(m, m, m)
		VPXOR(p1, p1, p1)
		VPGATHERDD(m, Mem{Base: pm, Index: o1, Scale: 1}, p1)
		VPCMPEQD(m, m, m)
		VPXOR(p2, p2, p2)
		VPGATHERDD(m, Mem{Base: pm, Index: o2v, Scale: 1}, p2)
		VPSRLD(Imm(24), p1, p1)
		VPSRLD(Imm(24), p2, p2)
		VPCMPGTD(p2, p1, p1) // -1 where pixel 1 > pixel 2
		VPADDD(node, node, node)
		VPSUBD(p1, node, node)
		VPADDD(one, node, node)
		VMOVDQU(node, at(idb))
		ADDQ(Imm(32), k)
		CMPQ(k, n)
		JB(LabelRef(name))
	}
	gather := func(node VecVirtual) VecVirtual {
		m, c := YMM(), YMM()
		VPCMPEQD(m, m, m)
		VPXOR(c, c, c)
		VPGATHERDD(m, Mem{Base: cb, Index: node, Scale: 4}, c)
		VPSIGNB(csign, c, c)
		return c
	}

	lvl := GP64()
	Label("tree")
	{
		t := GP64()
		LEAQ(Mem{Base: cb, Index: cstep, Scale: 1}, t)
		MOVQ(t, pf)
		ADDQ(cstep, t)
		MOVQ(t, pfEnd)
		// The next tree's offsets: adj + pstep + 8*(1<<depth - 1), pstep
		// bytes.
		LEAQ(Mem{Base: adj, Index: pstep, Scale: 1}, t)
		LEAQ(Mem{Base: t, Index: cstep, Scale: 2}, t)
		MOVQ(t, pp)
		ADDQ(pstep, t)
		MOVQ(t, ppEnd)
	}
	Load(Param("depth"), lvl)
	// At depth 5 and more, the codes of the first five levels (nodes 0 to
	// 30) come from registers: nodes 0-7 in t0, 7-14 in t1, 15-22 and 23-30
	// in t2 and t3, each picked by VPERMD (which reads the index's low three
	// bits) instead of a gather.
	CMPQ(lvl, Imm(permLevels))
	JB(LabelRef("gathered"))
	{
		t := permTables(cb, csign)
		for l := 0; l < permLevels; l++ {
			group(fmt.Sprintf("perm%d", l), l == 0, func(node VecVirtual) VecVirtual {
				return permCode(l, t, one, node)
			})
		}
		SUBQ(Imm(permLevels), lvl)
		JZ(LabelRef("walked"))
		JMP(LabelRef("level"))
	}
	Label("gathered")
	{
		z := YMM()
		VPXOR(z, z, z)
		k := GP64()
		XORQ(k, k)
		Label("zero")
		VMOVDQU(z, Mem{Base: idb, Index: k, Scale: 1})
		ADDQ(Imm(32), k)
		CMPQ(k, n)
		JB(LabelRef("zero"))
	}
	Label("level")
	group("group", false, gather)
	DECQ(lvl)
	JNZ(LabelRef("level"))
	Label("walked")

	// dr += the leaf's row offset, dc += its column offset (negated when
	// flipped: x + -y, as pigo).
	{
		// dr and dc's bases are loaded here, to leave the walk registers.
		drb := Load(Param("dr").Base(), GP64())
		dcb := Load(Param("dc").Base(), GP64())
		k := GP64()
		XORQ(k, k)
		Label("acc")
		at := func(b Register) Mem { return Mem{Base: b, Index: k, Scale: 1} }
		// Each leaf's (row, column) pair is one 64-bit element (gathers
		// cost by the element): lanes 0-3 in a, 4-7 in b, then the rows and
		// the columns apart, in lane order.
		node, m, a, b, hi := YMM(), YMM(), YMM(), YMM(), XMM()
		VMOVDQU(at(idb), node)
		VEXTRACTI128(Imm(1), node, hi)
		VPCMPEQD(m, m, m)
		VPXOR(a, a, a)
		VPGATHERDQ(m, Mem{Base: adj, Index: node.AsX(), Scale: 8}, a)
		VPCMPEQD(m, m, m)
		VPXOR(b, b, b)
		VPGATHERDQ(m, Mem{Base: adj, Index: hi, Scale: 8}, b)
		r, c := YMM(), YMM()
		VSHUFPS(Imm(0x88), b, a, r) // rows 0 1 4 5 | 2 3 6 7
		VSHUFPS(Imm(0xdd), b, a, c) // columns
		VPERMQ(Imm(0xd8), r, r)
		VPERMQ(Imm(0xd8), c, c)
		d := YMM()
		VMOVUPS(at(drb), d)
		VADDPS(r, d, d)
		VMOVUPS(d, at(drb))
		VXORPS(fsign, c, c)
		VMOVUPS(at(dcb), d)
		VADDPS(c, d, d)
		VMOVUPS(d, at(dcb))
		ADDQ(Imm(32), k)
		CMPQ(k, n)
		JB(LabelRef("acc"))
	}
	ADDQ(cstep, cb)
	ADDQ(pstep, adj)
	DECQ(trees)
	JNZ(LabelRef("tree"))
	VZEROUPPER()
	RET()
}

// locStage8L is locStage8 with plain loads instead of gathers: for each
// tree, every group of eight estimates advances one level at a time, each
// lane's code, pixels and leaf offsets loaded on their own, and then each
// group adds its leaves' offsets to dr and dc.
func locStage8L() {
	TEXT("locStage8L", NOSPLIT, "func(codes []int8, preds []float32, pix []byte, dim, depth, trees, n int, csign, fsign uint32, ir, ic, is, idx []int32, dr, dc []float32)")
	Pragma("noescape")
	Doc("locStage8L is locStage8 (one stage of regress's tree loop: walkInside and",
		"the sums of the leaves' offsets into dr and dc, which it adds to) with",
		"plain loads instead of gathers, for",
		"n >= 8, a multiple of 8, estimates and depth >= 1; idx receives the last",
		"tree's leaves. ir, ic, is, idx, dr and dc have length >= n; codes holds",
		"trees*4*(1<<depth - 1) codes and preds trees*2<<depth offsets; csign is",
		"0x01010101, or 0xff01ff01 to negate the column codes (as int8, wrapping),",
		"and fsign 0 or the float32 sign bit to negate the column offsets. The",
		"caller has checked that every probe of every estimate is at an offset o",
		"with 0 <= o < len(pix), that dim, the rows and 0 <= is are below 1<<15,",
		"and that ir and ic are below 1<<23.")

	cb := Load(Param("codes").Base(), GP64())
	adj := Load(Param("preds").Base(), GP64())
	pm := Load(Param("pix").Base(), GP64())
	irb := Load(Param("ir").Base(), GP64())
	icb := Load(Param("ic").Base(), GP64())
	isb := Load(Param("is").Base(), GP64())
	idb := Load(Param("idx").Base(), GP64())
	// n, the bytes of the lanes, and lvl, the levels left, are on the
	// stack (the walk's loads of pixels want the registers).
	nl := AllocLocal(16)
	n, lvl := nl.Offset(0), nl.Offset(8)
	{
		t := Load(Param("n"), GP64())
		SHLQ(Imm(2), t)
		MOVQ(t, n)
	}

	// cstep: the bytes of a tree's codes, 4*(1<<depth - 1); pstep: of its
	// offsets, 8<<depth. adj + 8*node is the row offset of leaf node
	// (1<<depth - 1 <= node < 2<<depth - 1): adj = tree's preds - 8*(1<<depth - 1).
	cstep, pstep := GP64(), GP64()
	Load(Param("depth"), RCX)
	MOVL(U32(1), cstep.As32())
	SHLQ(CL, cstep)
	DECQ(cstep)
	MOVQ(cstep, pstep)
	SHLQ(Imm(3), pstep)
	SUBQ(pstep, adj)
	SHLQ(Imm(2), cstep)
	MOVL(U32(8), pstep.As32())
	SHLQ(CL, pstep)
	// They and the trees left are kept on the stack (the walk's loads of
	// pixels want the registers).
	steps := AllocLocal(24)
	cstepLoc, pstepLoc, treesLoc := steps.Offset(0), steps.Offset(8), steps.Offset(16)
	MOVQ(cstep, cstepLoc)
	MOVQ(pstep, pstepLoc)

	csign, fsign, dimv, one := YMM(), YMM(), YMM(), YMM()
	{
		t := GP64()
		Load(Param("csign"), t.As32())
		MOVQ(t, csign.AsX())
		VPBROADCASTD(csign.AsX(), csign)
		Load(Param("fsign"), t.As32())
		MOVQ(t, fsign.AsX())
		VPBROADCASTD(fsign.AsX(), fsign)
		Load(Param("dim"), t)
		MOVQ(t, dimv.AsX())
		VPBROADCASTD(dimv.AsX(), dimv)
		MOVL(U32(1), t.As32())
		MOVQ(t, one.AsX())
		VPBROADCASTD(one.AsX(), one)
	}
	{
		t := Load(Param("trees"), GP64())
		MOVQ(t, treesLoc)
	}
	// The next tree's codes and leaf offsets are prefetched while this
	// tree is walked, two lines of each a group and level, from pf up to
	// pfEnd and from pp up to ppEnd (kept on the stack): the codes'
	// loads are the walk's chain of loads, and a cascade's codes and
	// offsets (hundreds of kilobytes) do not stay in the nearer caches
	// from one localisation to the next. After the last tree the lines
	// are the next stage's, or past the slices (a prefetch never faults).
	pfLoc := AllocLocal(32)
	// laneShift is lane j's 7-j.
	laneShift := GLOBL("locLaneShift", RODATA|NOPTR)
	for j := range 8 {
		DATA(4*j, U32(7-j))
	}
	pf, pfEnd := pfLoc.Offset(0), pfLoc.Offset(8)
	pp, ppEnd := pfLoc.Offset(16), pfLoc.Offset(24)

	// group emits one level's walk for every group of eight: fetch returns
	// the nodes' codes (signed by csign) given the nodes, which are zero
	// (and not loaded) at level 0.
	group := func(name string, root bool, fetch func(node VecVirtual) VecVirtual) {
		k := GP64()
		XORQ(k, k)
		Label(name)
		{
			t := GP64()
			MOVQ(pf, t)
			CMPQ(t, pfEnd)
			JAE(LabelRef(name + "_fetched"))
			PREFETCHT0(Mem{Base: t})
			PREFETCHT0(Mem{Base: t, Disp: 64})
			ADDQ(Imm(128), t)
			MOVQ(t, pf)
			Label(name + "_fetched")
			MOVQ(pp, t)
			CMPQ(t, ppEnd)
			JAE(LabelRef(name + "_pfetched"))
			PREFETCHT0(Mem{Base: t})
			PREFETCHT0(Mem{Base: t, Disp: 64})
			ADDQ(Imm(128), t)
			MOVQ(t, pp)
			Label(name + "_pfetched")
		}
		at := func(b Register) Mem { return Mem{Base: b, Index: k, Scale: 1} }
		node := YMM()
		if root {
			VPXOR(node, node, node)
		} else {
			VMOVDQU(at(idb), node)
		}
		c := fetch(node)
		// Words: e = (code0, code2), o = (code1, code3), sign-extended;
		// e2, o2 the high ones alone in the low word.
		e, o, e2, o2 := YMM(), YMM(), YMM(), YMM()
		VPSLLW(Imm(8), c, e)
		VPSRAW(Imm(8), e, e)
		VPSRAW(Imm(8), c, o)
		VPSRLD(Imm(16), e, e2)
		VPSRLD(Imm(16), o, o2)
		// off returns ((ir + cr*is)>>8)*dim + (ic + cc*is)>>8.
		off := func(cr, cc VecVirtual) VecVirtual {
			r, x := YMM(), YMM()
			VPMADDWD(at(isb), cr, r)
			VPADDD(at(irb), r, r)
			VPSRAD(Imm(8), r, r)
			VPMADDWD(dimv, r, r)
			VPMADDWD(at(isb), cc, x)
			VPADDD(at(icb), x, x)
			VPSRAD(Imm(8), x, x)
			VPADDD(x, r, r)
			return r
		}
		o1, o2 := off(e, o), off(e2, o2)
		// The pixels are loaded one by one, their offsets taken out of
		// o1 and o2 two lanes a register (lane 2i in the low half, 2i+1
		// in the high): sixteen loads cost less than two gathers.
		// (Walking two or four groups at once, their instructions
		// interleaved, was no faster: the gathers' throughput, not their
		// chains' latency, bounded the kernel.)
		hi1, hi2 := XMM(), XMM()
		VEXTRACTI128(Imm(1), o1, hi1)
		VEXTRACTI128(Imm(1), o2, hi2)
		pair := func(i int, lo, hi VecVirtual) GPVirtual {
			q := GP64()
			v := lo.AsX()
			if i >= 2 {
				v = hi
			}
			if i%2 == 0 {
				VMOVQ(v, q)
			} else {
				VPEXTRQ(Imm(1), v, q)
			}
			return q
		}
		// Bit 7-j of gt is lane j's pixel 1 > pixel 2 (lane 0 comes
		// first). The low lane's offsets are zero-extended into a and b
		// while q1 and q2 are live (avo drops a move of a register to
		// itself), the high lane's shifted down in place.
		gt := GP32()
		XORL(gt, gt)
		for i := range 4 {
			q1, q2 := pair(i, o1, hi1), pair(i, o2, hi2)
			a, b := GP64(), GP64()
			MOVL(q1.As32(), a.As32())
			MOVL(q2.As32(), b.As32())
			MOVBLZX(Mem{Base: pm, Index: a, Scale: 1}, a.As32())
			MOVBLZX(Mem{Base: pm, Index: b, Scale: 1}, b.As32())
			CMPL(b.As32(), a.As32()) // carry where pixel 1 > pixel 2
			ADCL(gt, gt)
			SHRQ(Imm(32), q1)
			SHRQ(Imm(32), q2)
			MOVBLZX(Mem{Base: pm, Index: q1, Scale: 1}, q1.As32())
			MOVBLZX(Mem{Base: pm, Index: q2, Scale: 1}, q2.As32())
			CMPL(q2.As32(), q1.As32())
			ADCL(gt, gt)
		}
		// node = 2*node + 1 + (pixel 1 > pixel 2), lane j's bit shifted
		// down by 7-j.
		g := YMM()
		MOVQ(gt.As64(), g.AsX())
		VPBROADCASTD(g.AsX(), g)
		VPSRLVD(laneShift, g, g)
		VPAND(one, g, g)
		VPADDD(node, node, node)
		VPADDD(g, node, node)
		VPADDD(one, node, node)
		VMOVDQU(node, at(idb))
		ADDQ(Imm(32), k)
		CMPQ(k, n)
		JB(LabelRef(name))
	}
	// gather returns the codes of the nodes in node, loaded lane by lane
	// (the indices taken out two lanes a register).
	gather := func(node VecVirtual) VecVirtual {
		hi := XMM()
		VEXTRACTI128(Imm(1), node, hi)
		var half [2]VecVirtual
		for i := range 4 {
			q := GP64()
			if v := []Register{node.AsX(), hi}[i/2]; i%2 == 0 {
				VMOVQ(v, q)
			} else {
				VPEXTRQ(Imm(1), v, q)
			}
			t := GP64()
			MOVL(q.As32(), t.As32()) // q stays live: not dropped
			SHRQ(Imm(32), q)
			h := i / 2
			if i%2 == 0 {
				half[h] = XMM()
				VMOVD(Mem{Base: cb, Index: t, Scale: 4}, half[h])
			} else {
				VPINSRD(Imm(2), Mem{Base: cb, Index: t, Scale: 4}, half[h], half[h])
			}
			VPINSRD(Imm(uint64(2*(i%2)+1)), Mem{Base: cb, Index: q, Scale: 4}, half[h], half[h])
		}
		c := YMM()
		VINSERTI128(Imm(1), half[1], half[0].AsY(), c)
		VPSIGNB(csign, c, c)
		return c
	}

	Label("tree")
	{
		t, cstep, pstep := GP64(), GP64(), GP64()
		MOVQ(cstepLoc, cstep)
		MOVQ(pstepLoc, pstep)
		LEAQ(Mem{Base: cb, Index: cstep, Scale: 1}, t)
		MOVQ(t, pf)
		ADDQ(cstep, t)
		MOVQ(t, pfEnd)
		// The next tree's offsets: adj + pstep + 8*(1<<depth - 1), pstep
		// bytes.
		LEAQ(Mem{Base: adj, Index: pstep, Scale: 1}, t)
		LEAQ(Mem{Base: t, Index: cstep, Scale: 2}, t)
		MOVQ(t, pp)
		ADDQ(pstep, t)
		MOVQ(t, ppEnd)
	}
	{
		t := Load(Param("depth"), GP64())
		MOVQ(t, lvl)
	}
	// At depth 5 and more, the codes of the first five levels (nodes 0 to
	// 30) come from registers: nodes 0-7 in t0, 7-14 in t1, 15-22 and 23-30
	// in t2 and t3, each picked by VPERMD (which reads the index's low three
	// bits) instead of loads.
	CMPQ(lvl, Imm(permLevels))
	JB(LabelRef("gathered"))
	{
		t := permTables(cb, csign)
		for l := 0; l < permLevels; l++ {
			group(fmt.Sprintf("perm%d", l), l == 0, func(node VecVirtual) VecVirtual {
				return permCode(l, t, one, node)
			})
		}
		SUBQ(Imm(permLevels), lvl)
		JZ(LabelRef("walked"))
		JMP(LabelRef("level"))
	}
	Label("gathered")
	{
		z := YMM()
		VPXOR(z, z, z)
		k := GP64()
		XORQ(k, k)
		Label("zero")
		VMOVDQU(z, Mem{Base: idb, Index: k, Scale: 1})
		ADDQ(Imm(32), k)
		CMPQ(k, n)
		JB(LabelRef("zero"))
	}
	Label("level")
	group("group", false, gather)
	DECQ(lvl)
	JNZ(LabelRef("level"))
	Label("walked")

	// dr += the leaf's row offset, dc += its column offset (negated when
	// flipped: x + -y, as pigo).
	{
		// dr and dc's bases are loaded here, to leave the walk registers.
		drb := Load(Param("dr").Base(), GP64())
		dcb := Load(Param("dc").Base(), GP64())
		k := GP64()
		XORQ(k, k)
		Label("acc")
		at := func(b Register) Mem { return Mem{Base: b, Index: k, Scale: 1} }
		// Each leaf's (row, column) pair is one 64-bit element, loaded
		// one by one (cheaper than gathers), the nodes taken out of node
		// two lanes a register: lanes 0-3 in a, 4-7 in b, then the rows
		// and the columns apart, in lane order.
		node, hi := YMM(), XMM()
		VMOVDQU(at(idb), node)
		VEXTRACTI128(Imm(1), node, hi)
		var half [4]VecVirtual
		for i := range 4 {
			q := GP64()
			if v := []Register{node.AsX(), hi}[i/2]; i%2 == 0 {
				VMOVQ(v, q)
			} else {
				VPEXTRQ(Imm(1), v, q)
			}
			t := GP64()
			MOVL(q.As32(), t.As32()) // q stays live: not dropped
			SHRQ(Imm(32), q)
			half[i] = XMM()
			VMOVQ(Mem{Base: adj, Index: t, Scale: 8}, half[i])
			VPINSRQ(Imm(1), Mem{Base: adj, Index: q, Scale: 8}, half[i], half[i])
		}
		a, b := YMM(), YMM()
		VINSERTI128(Imm(1), half[1], half[0].AsY(), a)
		VINSERTI128(Imm(1), half[3], half[2].AsY(), b)
		r, c := YMM(), YMM()
		VSHUFPS(Imm(0x88), b, a, r) // rows 0 1 4 5 | 2 3 6 7
		VSHUFPS(Imm(0xdd), b, a, c) // columns
		VPERMQ(Imm(0xd8), r, r)
		VPERMQ(Imm(0xd8), c, c)
		d := YMM()
		VMOVUPS(at(drb), d)
		VADDPS(r, d, d)
		VMOVUPS(d, at(drb))
		VXORPS(fsign, c, c)
		VMOVUPS(at(dcb), d)
		VADDPS(c, d, d)
		VMOVUPS(d, at(dcb))
		ADDQ(Imm(32), k)
		CMPQ(k, n)
		JB(LabelRef("acc"))
	}
	ADDQ(cstepLoc, cb)
	ADDQ(pstepLoc, adj)
	DECQ(treesLoc)
	JNZ(LabelRef("tree"))
	VZEROUPPER()
	RET()
}

// dealMin and dealMax are the column steps deal is generated for (deal2 to
// deal6: the steps at which the scan walks the first tree on a plane split
// by column phase).
const (
	dealMin = 2
	dealMax = 6
)

// deal generates dealN for step n: a row's columns split by their phase
// modulo n, 16 columns of each phase per block of 16*n bytes. The block's n
// registers are loaded once; each phase's 16 bytes are the OR of n byte
// shuffles (VPSHUFB, a mask byte with its top bit set gives 0), one per
// register, with masks from a table: 2n+2 instructions per 16 bytes of each
// phase, where a byte at a time costs 2 per byte.
func deal(n int) {
	name := fmt.Sprintf("deal%d", n)
	TEXT(name, NOSPLIT, "func(dst, src []byte, w, blocks int, masks *byte)")
	Pragma("noescape")
	Doc(fmt.Sprintf("%s is dealGeneric for step %d and the first 16*blocks columns of each", name, n),
		"phase (blocks >= 1), with AVX: dst[j*w+m] = src[m*step+j]. masks is",
		"dealMasks' table for the step; the caller has checked that len(src) >=",
		"16*step*blocks and len(dst) >= (step-1)*w + 16*blocks.")
	d := Load(Param("dst").Base(), GP64())
	sp := Load(Param("src").Base(), GP64())
	w := Load(Param("w"), GP64())
	nb := Load(Param("blocks"), GP64())
	mk := Load(Param("masks"), GP64())
	Label(name + "_block")
	x := make([]VecVirtual, n)
	for i := range x {
		x[i] = XMM()
		VMOVDQU(Mem{Base: sp, Disp: 16 * i}, x[i])
	}
	out := GP64()
	MOVQ(d, out)
	for j := 0; j < n; j++ {
		acc := XMM()
		VPSHUFB(Mem{Base: mk, Disp: 16 * (j*n + 0)}, x[0], acc)
		for i := 1; i < n; i++ {
			t := XMM()
			VPSHUFB(Mem{Base: mk, Disp: 16 * (j*n + i)}, x[i], t)
			VPOR(t, acc, acc)
		}
		VMOVDQU(acc, Mem{Base: out})
		if j+1 < n {
			ADDQ(w, out)
		}
	}
	ADDQ(Imm(uint64(16*n)), sp)
	ADDQ(Imm(16), d)
	DECQ(nb)
	JNZ(LabelRef(name + "_block"))
	RET()
}

// lowest8 is the lowest of a stage's live scores (lowestGeneric) with AVX:
// eight running minima (VMINPS) over the blocks of eight, the last eight
// scores once more (overlapping: a minimum is the same counted twice),
// then the eight reduced to one.
func lowest8() {
	TEXT("lowest8", NOSPLIT, "func(s []float32) float32")
	Pragma("noescape")
	Doc("lowest8 is lowestGeneric for len(s) >= 8, with AVX: the lowest of the",
		"scores s, none NaN (either zero where the lowest is a zero).")
	p := Load(Param("s").Base(), GP64())
	n := Load(Param("s").Len(), GP64())
	acc := YMM()
	VMOVUPS(Mem{Base: p}, acc)
	i := GP64()
	MOVL(U32(16), i.As32())
	Label("block")
	CMPQ(i, n)
	JA(LabelRef("tail"))
	VMINPS(Mem{Base: p, Index: i, Scale: 4, Disp: -32}, acc, acc)
	ADDQ(Imm(8), i)
	JMP(LabelRef("block"))
	Label("tail")
	VMINPS(Mem{Base: p, Index: n, Scale: 4, Disp: -32}, acc, acc)
	hi, x := XMM(), XMM()
	VEXTRACTF128(Imm(1), acc, hi)
	VMINPS(hi, acc.AsX(), x)
	VMOVHLPS(x, x, hi)
	VMINPS(hi, x, x)
	VMOVSHDUP(x, hi)
	VMINSS(hi, x, x)
	VZEROUPPER()
	Store(x, ReturnIndex(0))
	RET()
}
