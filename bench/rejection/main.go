package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"
)

const usage = `usage:
  rejection build -data DIR -out DIR [-seed N] [-j N] [-scale F]
  rejection score -corpus DIR [-part report|calibrate|all] [-json FILE] [-v] [-j N]

build composes labelled capture-like frames from the shared facedata into
-out; score runs facegate on them and prints Markdown tables. See
go doc ./bench/rejection.
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "build":
		err = buildCmd(os.Args[2:], os.Stdout, os.Stderr)
	case "score":
		err = scoreCmd(os.Args[2:], os.Stdout, os.Stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(os.Stdout, usage)
		return
	default:
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	if err == flag.ErrHelp {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "rejection:", err)
		if _, ok := err.(usageError); ok {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// usageError is a misuse of the command line.
type usageError string

func (e usageError) Error() string { return string(e) }

// buildCmd is the build subcommand.
func buildCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "../shared/facedata", "the shared facedata folder")
	out := fs.String("out", "", "the corpus folder to write (frames, labels.jsonl, README.txt)")
	seed := fs.Uint64("seed", 1, "the seed of every random choice")
	workers := fs.Int("j", 2, "frames rendered at once")
	scale := fs.Float64("scale", 1, "multiplies every frame count (at least one frame per setting)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile to `FILE`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if *out == "" || fs.NArg() > 0 || *scale <= 0 || *workers < 1 {
		fs.Usage()
		return usageError("build needs -out DIR, a positive -scale and -j, and no arguments")
	}
	cmdline := "go run ./bench/rejection build " + strings.Join(args, " ")
	start := time.Now()
	labels, err := buildCorpus(*data, *out, config{Seed: *seed, Scale: *scale, Sizes: defaultSizes}, *workers, cmdline, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d frames in %s (%.1fs, %d workers)\n\n%s", len(labels), *out, time.Since(start).Seconds(), *workers, countTable(labels))
	return nil
}

// scoreCmd is the score subcommand.
func scoreCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("score", flag.ContinueOnError)
	fs.SetOutput(stderr)
	corpus := fs.String("corpus", "", "the corpus folder (made by build); several, comma-separated, are pooled (their frames named by folder)")
	part := fs.String("part", PartReport, "the part to score: report, calibrate or all")
	jsonOut := fs.String("json", "", "write a JSON line per frame (label and measures) to `FILE`")
	verbose := fs.Bool("v", false, "list every misjudged scored frame")
	workers := fs.Int("j", 2, "frames judged at once (one pipeline each)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *corpus == "" || fs.NArg() > 0 || *workers < 1 {
		fs.Usage()
		return usageError("score needs -corpus DIR and no arguments")
	}
	if *part != PartReport && *part != PartCalibrate && *part != "all" {
		return usageError("-part must be report, calibrate or all, not " + *part)
	}
	labels, dir, err := readCorpora(*corpus)
	if err != nil {
		return err
	}
	labels = selectPart(labels, *part)
	if len(labels) == 0 {
		return fmt.Errorf("no frames of part %s in %s", *part, *corpus)
	}
	start := time.Now()
	outs, err := judge(dir, labels, *workers)
	if err != nil {
		return err
	}
	el := time.Since(start)
	if *jsonOut != "" {
		if err := writeFrameLines(*jsonOut, outs); err != nil {
			return err
		}
	}
	writeReport(stdout, fmt.Sprintf("facegate on %s, part %s", *corpus, *part), outs)
	if *verbose {
		writeMisjudged(stdout, outs)
	}
	fmt.Fprintf(stderr, "judged %d frames in %.1fs (%d workers)\n", len(outs), el.Seconds(), *workers)
	if n, first := errorCount(outs); n > 0 {
		return fmt.Errorf("%d frames could not be judged (first: %s)", n, first)
	}
	return nil
}

// readCorpora reads the labels of the corpus folders in list (comma
// separated) and returns them with the folder their files are relative
// to: the folder itself for one corpus; for several, the labels' files are
// made paths under their own folders and dir is "".
func readCorpora(list string) (labels []*Label, dir string, err error) {
	dirs := strings.Split(list, ",")
	for _, d := range dirs {
		ls, err := readLabels(filepath.Join(d, "labels.jsonl"))
		if err != nil {
			return nil, "", err
		}
		if len(dirs) > 1 {
			for _, l := range ls {
				l.File = filepath.Join(d, l.File)
			}
		}
		labels = append(labels, ls...)
	}
	if len(dirs) == 1 {
		dir = dirs[0]
	}
	return labels, dir, nil
}
