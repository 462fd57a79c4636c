// Command _gen generates detect's amd64 tree walk with avo:
//
//	cd detect/_gen && go run . -out ../walk_amd64.s -stubs ../walk_amd64.go -pkg detect
//
// The walk is plain x86-64, no SIMD: each window's walk is a chain of
// dependent loads, eight chains overlap, and what limits them is the number
// of instructions per node, which the Go compiler's register allocation
// about doubles for eight chains at once.
package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

func main() {
	ConstraintExpr("!purego,!noasm")
	step8()
	Generate()
}

// step8 runs one tree for windows in groups of eight, each window's node in
// a register, and then keeps the windows still above the tree's threshold,
// as treeStepGeneric.
func step8() {
	TEXT("step8", NOSPLIT, "func(centre, win []int32, out []float32, n int, probes []uint64, preds []float32, thr float32, pix []byte, depth int) int")
	Pragma("noescape")
	Doc("step8 is treeStepGeneric for n >= 1 windows and depth >= 1; centre, win",
		"and out have length n rounded up to a multiple of 8 (the windows past n",
		"are copies whose results are dropped); the caller has checked that",
		"len(probes) >= 1<<depth, len(preds) >= 1<<depth, and that every probe of",
		"every window is inside pix.")
	loc := AllocLocal(8*8 + 5*8)
	ptr := func(j int) Mem { return loc.Offset(8 * j) }
	kLoc, liveLoc, remLoc, adjLoc, endLoc := loc.Offset(64), loc.Offset(72), loc.Offset(80), loc.Offset(88), loc.Offset(96)

	// adj + node*4 is the address of node's prediction (node >= 1<<depth).
	{
		adj, l := GP64(), GP64()
		Load(Param("preds").Base(), adj)
		Load(Param("depth"), RCX)
		MOVL(U32(4), l.As32())
		SHLQ(CL, l) // 4<<depth
		SUBQ(l, adj)
		MOVQ(adj, adjLoc)
	}
	{
		z := GP64()
		XORQ(z, z)
		MOVQ(z, kLoc)
		MOVQ(z, liveLoc)
		n := Load(Param("n"), GP64())
		MOVQ(n, remLoc)
		// end: the number of windows walked, n rounded up to 8.
		ADDQ(Imm(7), n)
		ANDQ(I32(-8), n)
		MOVQ(n, endLoc)
	}

	Label("group")
	{
		cb, k := GP64(), GP64()
		Load(Param("centre").Base(), cb)
		MOVQ(kLoc, k)
		pix := Load(Param("pix").Base(), GP64())
		for j := 0; j < 8; j++ {
			t := GP64()
			MOVLQSX(Mem{Base: cb, Index: k, Scale: 4, Disp: 4 * j}, t)
			ADDQ(pix, t)
			MOVQ(t, ptr(j))
		}
	}
	var node [8]GPVirtual
	for j := range node {
		node[j] = GP64()
		MOVL(U32(8), node[j].As32())
	}
	tab := Load(Param("probes").Base(), GP64())
	lvl := Load(Param("depth"), GP64())
	Label("level")
	for j := 0; j < 8; j++ {
		p, a, b := GP64(), GP64(), GP64()
		MOVQ(ptr(j), p)
		MOVLQSX(Mem{Base: tab, Index: node[j], Scale: 1}, a)
		MOVLQSX(Mem{Base: tab, Index: node[j], Scale: 1, Disp: 4}, b)
		MOVBQZX(Mem{Base: p, Index: a, Scale: 1}, a)
		MOVBQZX(Mem{Base: p, Index: b, Scale: 1}, b)
		SUBQ(a, b)
		SARQ(Imm(63), b)
		ADDQ(node[j], node[j])
		LEAQ(Mem{Base: node[j], Index: b, Scale: 8, Disp: 8}, node[j])
	}
	DECQ(lvl)
	JNZ(LabelRef("level"))

	// The window pointers are spent: keep the nodes there instead.
	for j := 0; j < 8; j++ {
		SHRQ(Imm(1), node[j])
		MOVQ(node[j], ptr(j))
	}
	// Keep the survivors: window k+j moves to slot live (live <= k+j, and
	// the slots up to k+j have been read), and live advances when its
	// score is above thr.
	{
		cb, wb, ob := GP64(), GP64(), GP64()
		Load(Param("centre").Base(), cb)
		Load(Param("win").Base(), wb)
		Load(Param("out").Base(), ob)
		adj, k, live, rem := GP64(), GP64(), GP64(), GP64()
		MOVQ(adjLoc, adj)
		MOVQ(kLoc, k)
		MOVQ(liveLoc, live)
		MOVQ(remLoc, rem)
		thr := Load(Param("thr"), XMM())
		for j := 0; j < 8; j++ {
			CMPQ(rem, Imm(uint64(j)))
			JLE(LabelRef("kept"))
			o, c, w, up, nd := XMM(), GP32(), GP32(), GP64(), GP64()
			// The saved node is 4*node: its prediction is at adj + 4*node.
			MOVQ(ptr(j), nd)
			MOVSS(Mem{Base: ob, Index: k, Scale: 4, Disp: 4 * j}, o)
			ADDSS(Mem{Base: adj, Index: nd, Scale: 1}, o)
			MOVL(Mem{Base: cb, Index: k, Scale: 4, Disp: 4 * j}, c)
			MOVL(Mem{Base: wb, Index: k, Scale: 4, Disp: 4 * j}, w)
			MOVL(c, Mem{Base: cb, Index: live, Scale: 4})
			MOVL(w, Mem{Base: wb, Index: live, Scale: 4})
			MOVSS(o, Mem{Base: ob, Index: live, Scale: 4})
			XORL(up.As32(), up.As32())
			UCOMISS(thr, o)
			SETHI(up.As8())
			ADDQ(up, live)
		}
		Label("kept")
		MOVQ(live, liveLoc)
		ADDQ(Imm(8), k)
		MOVQ(k, kLoc)
		SUBQ(Imm(8), rem)
		MOVQ(rem, remLoc)
		CMPQ(k, endLoc)
		JB(LabelRef("group"))
		Store(live, ReturnIndex(0))
	}
	RET()
}
