package main

import (
	"image"

	"github.com/facegate/facegate"
)

// judgedFrame is one frame of a unit after the pipeline: its Result and
// record, or the error that kept it from being judged.
type judgedFrame struct {
	in  *frameIn
	res *facegate.Result // valid until the next frame; nil with err
	rec *frameJSON       // nil with err
	err error
}

// unitEnd is what is known of a unit once its frames are judged.
type unitEnd struct {
	frames, accepted int
	seq              *facegate.Sequence
	// err ended the unit early (a container that could not be read).
	err error
}

// judgeUnit runs pl over the frames of u, from a Reset: fn sees each frame,
// and the returned unitEnd sums them up. The target is the face
// overlapping target (-target), or when it is empty the service's choice.
// An error from fn stops the unit and is returned.
func judgeUnit(pl *facegate.Pipeline, target image.Rectangle, u *unit, fn func(*judgedFrame) error) (unitEnd, error) {
	pl.Reset()
	if !target.Empty() {
		pl.SetTarget(target)
	}
	end := unitEnd{seq: &facegate.Sequence{}}
	seqName := ""
	if u.sequence() {
		seqName = u.path
	}
	var stop error
	err := u.each(func(in *frameIn) error {
		j := &judgedFrame{in: in, err: in.err}
		if j.err == nil {
			res, err := pl.ProcessImage(in.img)
			if err != nil {
				j.err = err
			} else {
				j.res = res
				j.rec = frameOf(in.file, in.index, seqName, res)
				end.seq.Add(res)
				end.frames++
				if res.Verdict.Accept {
					end.accepted++
				}
			}
		}
		if err := fn(j); err != nil {
			stop = err
			return err
		}
		return nil
	})
	if stop != nil {
		return end, stop
	}
	end.err = err
	return end, nil
}

// sequenceOf judges a unit's sequence under p.
func sequenceOf(u *unit, end *unitEnd, p *facegate.Policy) sequenceJSON {
	v := end.seq.Verdict(p)
	held, seen := end.seq.Coverage()
	cov := 0.0
	if seen > 0 {
		cov = float64(held) / float64(seen)
	}
	reasons, _ := splitReasons(v)
	return sequenceJSON{Path: u.path, Frames: end.frames, Held: held, Accepted: end.accepted,
		Coverage: num(cov), Verdict: verdictWord(v.Accept), Reasons: reasons}
}
