// Command readers is a test-time oracle: it reports exactly what
// `kubectl apply -f FILE` and `kubectl apply -k DIR` (kubectl 1.28, i.e.
// k8s.io/cli-runtime v0.28.4 and the kustomize it pins) read from a byte
// stream. See README.md for the protocol.
package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/cli-runtime/pkg/resource"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// request is one input line.
type request struct {
	ID   *string `json:"id"`
	Data *string `json:"data"`
	Dir  *string `json:"dir"`
	// Only, when "kubectl" or "kustomize", runs just that reader (a data case).
	Only *string `json:"only"`
}

// reading is what one reader (kubectl -f or kubectl -k) produced.
type reading struct {
	Objects []json.RawMessage `json:"objects"`
	Errors  []string          `json:"errors"`
	YAML    *string           `json:"yaml,omitempty"`
}

// answer is one output line.
type answer struct {
	ID        any      `json:"id"`
	Kubectl   *reading `json:"kubectl,omitempty"`
	Kustomize *reading `json:"kustomize,omitempty"`
	// Errors is set only when the case itself could not be run (malformed
	// input line, crashed worker).
	Errors []string `json:"errors,omitempty"`
}

const kustomizationText = "resources:\n- input.yaml\n"

// ---------------------------------------------------------------------------
// The readers (run inside a worker process).

// scratch holds one worker's scratch directories, reused for every case.
type scratch struct {
	root     string // outside any repository (os.TempDir)
	fileDir  string // holds input.yaml for `kubectl apply -f`
	kustDir  string // holds kustomization.yaml + input.yaml for `kubectl apply -k`
	filePath string
	kustFile string
}

// newScratch makes the scratch directories under root, or under a new
// temporary directory when root is "".
func newScratch(root string) (*scratch, error) {
	var err error
	if root == "" {
		root, err = os.MkdirTemp("", "reader-oracle-")
	} else {
		err = os.MkdirAll(root, 0o755)
	}
	if err != nil {
		return nil, err
	}
	s := &scratch{root: root, fileDir: filepath.Join(root, "f"), kustDir: filepath.Join(root, "k")}
	for _, d := range []string{s.fileDir, s.kustDir} {
		if err := os.Mkdir(d, 0o755); err != nil {
			os.RemoveAll(root)
			return nil, err
		}
	}
	s.filePath = filepath.Join(s.fileDir, "input.yaml")
	s.kustFile = filepath.Join(s.kustDir, "input.yaml")
	if err := os.WriteFile(filepath.Join(s.kustDir, "kustomization.yaml"), []byte(kustomizationText), 0o644); err != nil {
		os.RemoveAll(root)
		return nil, err
	}
	return s, nil
}

func (s *scratch) close() { _ = os.RemoveAll(s.root) }

// clean makes messages independent of the scratch directory: the kubectl
// file reads as `input.yaml` (as for `kubectl apply -f input.yaml` run in its
// directory) and the kustomization directory as `.` (as for `kubectl apply
// -k .`).
func (s *scratch) clean(m string) string {
	m = strings.ReplaceAll(m, s.fileDir+string(filepath.Separator), "")
	m = strings.ReplaceAll(m, s.kustDir+string(filepath.Separator), "")
	m = strings.ReplaceAll(m, s.kustDir, ".")
	return m
}

func identity(s string) string { return s }

// splitErr flattens aggregate errors into their parts.
func splitErr(err error) []string {
	if err == nil {
		return nil
	}
	var out []string
	var walk func(error)
	walk = func(e error) {
		if agg, ok := e.(utilerrors.Aggregate); ok {
			for _, p := range agg.Errors() {
				walk(p)
			}
			return
		}
		out = append(out, e.Error())
	}
	walk(err)
	return out
}

// marshal is json.Marshal without HTML escaping (the same JSON value).
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// unexported reads an unexported field of the struct *p points to.
// Only used to read cli-runtime internals we cannot otherwise observe.
func unexported(p any, field string) (reflect.Value, bool) {
	v := reflect.ValueOf(p)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return reflect.Value{}, false
	}
	f := v.Elem().FieldByName(field)
	if !f.IsValid() {
		return reflect.Value{}, false
	}
	return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem(), true
}

// capturedBuildOutput returns the kustomize build output that cli-runtime's
// KustomizeVisitor fed to its StreamVisitor (KustomizeVisitor.yml, "retained
// for tests"). found is false when the Result has no KustomizeVisitor or the
// fields are not where cli-runtime v0.28.4 keeps them.
func capturedBuildOutput(result *resource.Result) (yml []byte, found bool) {
	srcs, ok := unexported(result, "sources")
	if !ok {
		return nil, false
	}
	visitors, ok := srcs.Interface().([]resource.Visitor)
	if !ok {
		return nil, false
	}
	for _, v := range visitors {
		kv, ok := v.(*resource.KustomizeVisitor)
		if !ok {
			continue
		}
		f, ok := unexported(kv, "yml")
		if !ok {
			return nil, false
		}
		b, ok := f.Interface().([]byte)
		return b, ok
	}
	return nil, false
}

// kustomizeYAML runs krusty with the options cli-runtime's KustomizeVisitor
// uses (fallback when the visitor's output cannot be captured).
func kustomizeYAML(dir string) string {
	kOpts := krusty.MakeDefaultOptions()
	kOpts.Reorder = krusty.ReorderOptionLegacy
	m, err := krusty.MakeKustomizer(kOpts).Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		return ""
	}
	yml, err := m.AsYaml()
	if err != nil {
		return ""
	}
	return string(yml)
}

// visit runs the Builder exactly as `kubectl apply` does (Unstructured,
// ContinueOnError, FilenameParam, Flatten, Do, Infos), but local and without
// namespace defaulting or schema validation.
func visit(opts *resource.FilenameOptions, clean func(string) string) (r *reading) {
	r = &reading{Objects: []json.RawMessage{}, Errors: []string{}}
	defer func() {
		if p := recover(); p != nil {
			r.Errors = append(r.Errors, clean(fmt.Sprintf("panic: %v", p)))
		}
	}()
	result := resource.NewLocalBuilder().
		Unstructured().
		ContinueOnError().
		FilenameParam(false, opts).
		Flatten().
		Do()
	infos, err := result.Infos()
	for _, info := range infos {
		var raw []byte
		var merr error
		if u, ok := info.Object.(*unstructured.Unstructured); ok {
			raw, merr = marshal(u.Object)
		} else {
			merr = fmt.Errorf("object of unexpected type %T", info.Object)
		}
		if merr != nil {
			r.Errors = append(r.Errors, clean("oracle: cannot encode object: "+merr.Error()))
			continue
		}
		r.Objects = append(r.Objects, raw)
	}
	for _, e := range splitErr(err) {
		r.Errors = append(r.Errors, clean(e))
	}
	if opts.Kustomize != "" {
		yml, found := capturedBuildOutput(result)
		if !found {
			yml = []byte(kustomizeYAML(opts.Kustomize))
		}
		s := string(yml)
		r.YAML = &s
	}
	return r
}

func (s *scratch) handle(line []byte) (a answer) {
	defer func() {
		if p := recover(); p != nil {
			a.Kubectl, a.Kustomize = nil, nil
			a.Errors = []string{fmt.Sprintf("panic: %v", p)}
		}
	}()
	var req request
	if err := json.Unmarshal(line, &req); err != nil {
		a.ID = salvageID(line)
		a.Errors = []string{"oracle: malformed input line: " + err.Error()}
		return a
	}
	if req.ID != nil {
		a.ID = *req.ID
	}
	switch {
	case req.ID == nil:
		a.Errors = []string{`oracle: input line has no string "id"`}
	case req.Data != nil && req.Dir != nil:
		a.Errors = []string{`oracle: input line has both "data" and "dir"`}
	case req.Only != nil && *req.Only != "kubectl" && *req.Only != "kustomize":
		a.Errors = []string{`oracle: "only" must be "kubectl" or "kustomize"`}
	case req.Data != nil:
		data, err := base64.StdEncoding.DecodeString(*req.Data)
		if err != nil {
			a.Errors = []string{"oracle: data is not base64: " + err.Error()}
			return a
		}
		if err := os.WriteFile(s.filePath, data, 0o644); err != nil {
			a.Errors = []string{"oracle: " + err.Error()}
			return a
		}
		if err := os.WriteFile(s.kustFile, data, 0o644); err != nil {
			a.Errors = []string{"oracle: " + err.Error()}
			return a
		}
		if req.Only == nil || *req.Only == "kubectl" {
			a.Kubectl = visit(&resource.FilenameOptions{Filenames: []string{s.filePath}}, s.clean)
		}
		if req.Only == nil || *req.Only == "kustomize" {
			a.Kustomize = visit(&resource.FilenameOptions{Kustomize: s.kustDir}, s.clean)
		}
	case req.Dir != nil:
		if !filepath.IsAbs(*req.Dir) {
			a.Errors = []string{`oracle: "dir" must be an absolute path`}
			return a
		}
		a.Kustomize = visit(&resource.FilenameOptions{Kustomize: *req.Dir}, identity)
	default:
		a.Errors = []string{`oracle: input line needs "data" or "dir"`}
	}
	return a
}

// salvageID returns the "id" member of a line, if it has one.
func salvageID(line []byte) any {
	var loose map[string]json.RawMessage
	if json.Unmarshal(line, &loose) != nil {
		return nil
	}
	var id any
	if json.Unmarshal(loose["id"], &id) != nil {
		return nil
	}
	return id
}

func encodeAnswer(a answer) []byte {
	b, err := marshal(a)
	if err != nil {
		b, _ = marshal(answer{ID: a.ID, Errors: []string{"oracle: cannot encode answer: " + err.Error()}})
	}
	return b
}

// serve answers lines from in on out, one by one, in this process.
func serve(root string, in io.Reader, out io.Writer) error {
	s, err := newScratch(root)
	if err != nil {
		return err
	}
	defer s.close()
	onSignal(s.close)
	r := bufio.NewReaderSize(in, 1<<20)
	w := bufio.NewWriterSize(out, 1<<16)
	for {
		line, rerr := r.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			w.Write(encodeAnswer(s.handle(line)))
			w.WriteByte('\n')
			if err := w.Flush(); err != nil {
				return err
			}
		}
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			return rerr
		}
	}
}

// ---------------------------------------------------------------------------
// The coordinator: spreads cases over worker processes (kustomize keeps
// global state, so workers are processes, not goroutines; a worker that dies
// fatally costs one case, not the run) and writes answers in input order.

type job struct {
	seq  int
	line []byte
}

type result struct {
	seq    int
	answer []byte
}

type worker struct {
	self    string
	root    string // this worker's scratch directories live under root/w<index>-<generation>
	index   int
	gen     int
	scratch string
	cmd     *exec.Cmd
	in      io.WriteCloser
	out     *bufio.Reader

	mu     sync.Mutex
	stderr bytes.Buffer // stderr since the current case was sent (bounded)
}

const stderrKeep = 4096

type boundedWriter struct{ w *worker }

func (b boundedWriter) Write(p []byte) (int, error) {
	b.w.mu.Lock()
	defer b.w.mu.Unlock()
	if room := stderrKeep - b.w.stderr.Len(); room > 0 {
		if len(p) < room {
			room = len(p)
		}
		b.w.stderr.Write(p[:room])
	}
	return len(p), nil
}

// lifecycle guards starting and killing workers; once shuttingDown is set
// (on a signal) no worker is started again.
var (
	lifecycle    sync.Mutex
	shuttingDown bool
)

func (w *worker) start() error {
	lifecycle.Lock()
	defer lifecycle.Unlock()
	if shuttingDown {
		return errShuttingDown
	}
	w.gen++
	w.scratch = filepath.Join(w.root, fmt.Sprintf("w%d-%d", w.index, w.gen))
	cmd := exec.Command(w.self, "-worker", "-scratch", w.scratch)
	cmd.Stderr = boundedWriter{w}
	in, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	w.cmd, w.in, w.out = cmd, in, bufio.NewReaderSize(out, 1<<20)
	return nil
}

func (w *worker) stop() {
	if w.cmd == nil {
		return
	}
	w.in.Close()
	_ = w.cmd.Wait()
	_ = os.RemoveAll(w.scratch)
}

var errShuttingDown = fmt.Errorf("shutting down")

// killAll kills and reaps every worker and forbids new ones.
func killAll(workers []*worker) {
	lifecycle.Lock()
	defer lifecycle.Unlock()
	shuttingDown = true
	for _, w := range workers {
		if w != nil && w.cmd != nil && w.cmd.Process != nil {
			_ = w.cmd.Process.Kill()
			_, _ = w.cmd.Process.Wait()
		}
	}
}

// run answers one case; on a dead worker it reports the crash and restarts.
func (w *worker) run(j job) []byte {
	w.mu.Lock()
	w.stderr.Reset()
	w.mu.Unlock()
	line := j.line
	if len(line) == 0 || line[len(line)-1] != '\n' {
		line = append(line, '\n')
	}
	var ans []byte
	var err error
	// A case that runs away (kustomize expanding a YAML alias bomb, say) is killed, not waited for.
	timedOut := false
	timer := time.AfterFunc(caseTimeout, func() {
		timedOut = true
		_ = w.cmd.Process.Kill()
	})
	if _, err = w.in.Write(line); err == nil {
		ans, err = w.out.ReadBytes('\n')
	}
	timer.Stop()
	if err == nil {
		return bytes.TrimRight(ans, "\n")
	}
	if timedOut {
		w.mu.Lock()
		w.stderr.WriteString(fmt.Sprintf("timed out after %s", caseTimeout))
		w.mu.Unlock()
	}
	// The worker died on this case.
	_ = w.cmd.Process.Kill()
	_ = w.cmd.Wait()
	state := "unknown exit"
	if w.cmd.ProcessState != nil {
		state = w.cmd.ProcessState.String()
	}
	w.mu.Lock()
	msg := strings.TrimSpace(w.stderr.String())
	w.mu.Unlock()
	if lines := strings.SplitN(msg, "\n", 4); len(lines) > 3 {
		msg = strings.Join(lines[:3], "\n")
	}
	if msg == "" {
		msg = err.Error()
	}
	msg += " (" + state + ")"
	_ = os.RemoveAll(w.scratch)
	if serr := w.start(); serr == errShuttingDown {
		select {} // the signal handler is exiting the process
	} else if serr != nil {
		fmt.Fprintln(os.Stderr, "reader-oracle: cannot restart worker:", serr)
		os.Exit(1)
	}
	return encodeAnswer(answer{ID: salvageID(j.line), Errors: []string{"oracle: worker crashed: " + msg}})
}

func coordinate(n int, in io.Reader, out io.Writer) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	root, err := os.MkdirTemp("", "reader-oracle-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(root)
	jobs := make(chan job)
	results := make(chan result, 4*n)
	window := make(chan struct{}, 256*n) // bounds answers held back for ordering
	workers := make([]*worker, n)
	var wg sync.WaitGroup
	for i := range workers {
		w := &worker{self: self, root: root, index: i}
		workers[i] = w
		if err := w.start(); err != nil {
			killAll(workers)
			return err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				results <- result{j.seq, w.run(j)}
			}
		}()
	}
	onSignal(func() {
		killAll(workers)
		os.RemoveAll(root)
	})
	readErr := make(chan error, 1)
	go func() {
		r := bufio.NewReaderSize(in, 1<<20)
		seq := 0
		var err error
		for {
			line, rerr := r.ReadBytes('\n')
			if len(bytes.TrimSpace(line)) > 0 {
				window <- struct{}{}
				jobs <- job{seq, line}
				seq++
			}
			if rerr != nil {
				if rerr != io.EOF {
					err = rerr
				}
				break
			}
		}
		close(jobs)
		wg.Wait()
		close(results)
		readErr <- err
	}()
	w := bufio.NewWriterSize(out, 1<<16)
	pending := map[int][]byte{}
	next := 0
	var werr error
	for r := range results {
		pending[r.seq] = r.answer
		for {
			a, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			<-window
			if werr == nil {
				w.Write(a)
				w.WriteByte('\n')
				werr = w.Flush()
			}
		}
	}
	for _, wk := range workers {
		wk.stop()
	}
	if werr != nil {
		return werr
	}
	return <-readErr
}

// ---------------------------------------------------------------------------

// onSignal runs cleanup and exits on SIGINT/SIGTERM/SIGHUP.
func onSignal(cleanup func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		sig := <-ch
		cleanup()
		pprof.StopCPUProfile()
		code := 128
		if s, ok := sig.(syscall.Signal); ok {
			code += int(s)
		}
		os.Exit(code)
	}()
}

func printVersion() error {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return fmt.Errorf("no build info in this binary")
	}
	mods := map[string]string{}
	for _, d := range info.Deps {
		v := d.Version
		if d.Replace != nil {
			v = d.Replace.Version
		}
		mods[d.Path] = v
	}
	b, err := json.MarshalIndent(map[string]any{"go": info.GoVersion, "main": info.Main.Path, "modules": mods}, "", "  ")
	if err != nil {
		return err
	}
	fmt.Println(string(b))
	return nil
}

func defaultJobs() int {
	n := runtime.NumCPU()
	if n > 8 {
		n = 8
	}
	return n
}

// caseTimeout bounds one case; a worker past it is killed and the case answered with an error.
const caseTimeout = 60 * time.Second

// workerMemoryLimit bounds a worker's heap: kustomize decodes YAML aliases without a limit, so a "billion laughs"
// document would otherwise take the machine's memory. A worker past it exits and the case is answered with an error.
const workerMemoryLimit = 2 << 30

func limitMemory() {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	for range time.Tick(50 * time.Millisecond) {
		metrics.Read(sample)
		if sample[0].Value.Kind() == metrics.KindUint64 && sample[0].Value.Uint64() > workerMemoryLimit {
			fmt.Fprintf(os.Stderr, "memory limit: the case needed more than %d MiB of heap\n", workerMemoryLimit>>20)
			os.Exit(3)
		}
	}
}

func main() {
	version := flag.Bool("version", false, "print the Go version and module versions in use as JSON and exit")
	jobs := flag.Int("j", defaultJobs(), "number of worker processes; 0 answers in this process (no crash isolation)")
	asWorker := flag.Bool("worker", false, "internal: answer cases in this process")
	scratchRoot := flag.String("scratch", "", "internal: scratch directory for -worker / -j 0 (default: a new temporary directory)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile to this file (with -j 0 or -worker)")
	flag.Parse()
	if *version {
		if err := printVersion(); err != nil {
			fmt.Fprintln(os.Stderr, "reader-oracle:", err)
			os.Exit(1)
		}
		return
	}
	var err error
	if *asWorker || *jobs <= 0 {
		// Parsing produces much short-lived garbage; trade memory for speed.
		debug.SetGCPercent(400)
		if *asWorker {
			go limitMemory()
		}
		if *cpuprofile != "" {
			f, perr := os.Create(*cpuprofile)
			if perr == nil {
				perr = pprof.StartCPUProfile(f)
			}
			if perr != nil {
				fmt.Fprintln(os.Stderr, "reader-oracle:", perr)
				os.Exit(1)
			}
			defer pprof.StopCPUProfile()
		}
		err = serve(*scratchRoot, os.Stdin, os.Stdout)
	} else {
		err = coordinate(*jobs, os.Stdin, os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "reader-oracle:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}
