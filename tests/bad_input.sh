#!/usr/bin/env bash
# The bad-input matrix: every value-taking flag of every subcommand with its
# value missing, malformed and out of range; bad dataset files; outputs that
# cannot be written, already exist, or hit a full disk. Each case must end
# with exit status 2 (usage) or 1 (failure) and a one-line message naming the
# problem (plus at most the "Try ... --help" hint); a failed write must leave
# the previous file as it was. Each case's message is printed in the TAP line.
# Usage: tests/bad_input.sh PATH/TO/gdbench PATH/TO/gdbench-compare PATH/TO/gdbench-report
set -u
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
GD=$(abs "${1:?usage: bad_input.sh gdbench gdbench-compare gdbench-report}")
CMP=$(abs "${2:?}")
REP=$(abs "${3:?}")
. "$(dirname "$0")/lib.sh"
data=$(cd "$(dirname "$0")/data" && pwd)
cd "$tmp" || exit 1

# bad STATUS 'REGEX' CMD...: exit STATUS, stderr's first line matches REGEX, stdout
# empty, stderr one message line (+ the --help hint for usage errors)
bad() {
	local want=$1 pat=$2; shift 2
	n=$((n + 1))
	timeout 60 "$@" >"$tmp/o" 2>"$tmp/e"
	local got=$? msg
	msg=$(head -1 "$tmp/e")
	local lines; lines=$(grep -vc "^Try '" "$tmp/e")
	if [ "$got" -ne "$want" ] || ! grep -Eq -- "$pat" <<<"$msg" || [ "$lines" -ne 1 ] || [ -s "$tmp/o" ]; then
		echo "not ok $n - $* (exit $got, wanted $want; first line must match '$pat'; $lines message lines)"
		sed 's/^/    /' "$tmp/e" "$tmp/o" | head -8
		fails=$((fails + 1))
	else
		echo "ok $n - [$got] ${*#"$GD" } => $msg"
	fi
	[ "$record" -eq 1 ] && covered+=" $* |"
}
covered="" record=0

# -- missing values: every flag the help text shows with a metavariable --------
value_flags() { "$@" --help | grep -oE -- '--[a-z0-9-]+ [A-Z][A-Z,.]*' | awk '{print $1}' | sort -u; }
for sub in info list kernels run tune gradcheck paths; do
	for f in $(value_flags "$GD" "$sub"); do
		bad 2 "gdbench $sub: option '$f' needs a value" "$GD" "$sub" "$f"
	done
done
for f in $(value_flags "$CMP"); do bad 2 "option '$f' needs a value" "$CMP" "$f"; done
for f in $(value_flags "$REP"); do bad 2 "option '$f' needs a value" "$REP" "$f"; done

# -- malformed and out-of-range values -----------------------------------------
record=1
blobs='--data synth-blobs:n=256:d=4:c=2 --epochs 1 --no-roofline --quiet --force -o r.json'
bad 2 "--threads 'x'" "$GD" info --no-probe --threads x
bad 2 "--threads '0'" "$GD" info --no-probe --threads 0
bad 2 "--isa 'avx9' is not an ISA level" "$GD" info --no-probe --isa avx9
bad 2 "--array-mb 'x'" "$GD" info --array-mb x
bad 2 "--array-mb '0'" "$GD" info --array-mb 0
bad 2 "--kind 'rules'" "$GD" list --kind rules
bad 2 "--isa 'avx9'" "$GD" list --isa avx9
bad 2 "--params: 'nope.json' is neither a built-in parameter set \(resnet50, .*\) nor a readable file" "$GD" list --params nope.json
bad 2 "--params lists a parameter set: it needs --kind params or all, not 'update'" "$GD" list --kind update --params resnet50
# a level the registry has but this CPU lacks (none on a CPU that runs them all)
check "list --json parses (no GDBENCH_ISA)" registry env -u GDBENCH_ISA "$GD"
for l in $(reg 'list(dict.fromkeys(e["isa"] for e in U if not e["runnable"]))'); do
	bad 2 "--isa $l: this CPU cannot run it" env -u GDBENCH_ISA "$GD" list --isa "$l"
done
bad 2 "--what: 'both' is not a kind; expected update, grad or sparse" "$GD" kernels --what both
bad 2 "--rules: unknown rule 'nope'" "$GD" kernels --rules nope
bad 2 "--models: unknown model 'cnn'" "$GD" kernels --models cnn
bad 2 "--batches: 'lots'" "$GD" kernels --batches lots
bad 2 "--batches: '0'" "$GD" kernels --batches 0
bad 2 "--impl: unknown implementation 'fast'" "$GD" kernels --impl fast
bad 2 "--isa 'avx9'" "$GD" kernels --isa avx9
bad 2 "--dtype: 'f64/f32/f32' is not a storage type" "$GD" kernels --dtype f64/f32/f32
bad 2 "--dtype: 'bf16/bf16' is not a storage type" "$GD" kernels --dtype bf16/bf16
bad 2 "--params: 'nosuch' is neither a built-in set" "$GD" kernels --what update --params nosuch
bad 2 "--peer 'jax': expected torch" "$GD" kernels --peer jax
bad 2 "--peer torch needs -o PATH" "$GD" kernels --peer torch
bad 2 "--dtype: 'f16/f16/f32\\+sr' has no kernels" "$GD" run --dtype f16/f16/f32+sr
# the per-tensor rules (kernels/trules.h)
bad 2 "lamb:momentum=0.5: lamb does not read 'momentum'" "$GD" run --opt lamb:momentum=0.5
bad 2 "adafactor:d=0.5: bad d" "$GD" run --opt adafactor:d=0.5
bad 2 "lars: the per-tensor rules run in full and minibatch modes" "$GD" run --opt lars --mode sample
bad 2 "muon: not with this model: .*muon needs a 2-D tensor" "$GD" run --model softmax --opt muon --epochs 1
bad 2 "--rules lamb with --dtype bf16/bf16/f32: the per-tensor rules store f32 only" "$GD" kernels --what update --params resnet50 --rules lamb --dtype bf16/bf16/f32
bad 2 "--sizes: 'Q'" "$GD" kernels --sizes Q
bad 2 "--sizes: '0'" "$GD" kernels --sizes 0
bad 2 "--threads 'x'" "$GD" kernels --threads x
bad 2 "--threads '999'" "$GD" kernels --threads 999
bad 2 "--min-time 'x'" "$GD" kernels --min-time x
bad 2 "--min-time '-1'" "$GD" kernels --min-time -1
# kernels --what ns (bench/kbench_muon.c): its own options
bad 2 "--what: ns runs alone" "$GD" kernels --what ns,grad
bad 2 "--what: ns runs alone" "$GD" kernels --what ns --what grad
bad 2 "--ns-backend 'cuda': expected auto, blas, own or all" "$GD" kernels --what ns --ns-backend cuda
bad 2 "--max-gflop 'x'" "$GD" kernels --what ns --max-gflop x
bad 2 "--max-gflop '-1'" "$GD" kernels --what ns --max-gflop -1
bad 2 "--min-time '0'" "$GD" kernels --what ns --min-time 0
bad 2 "--isa 'avx9'" "$GD" kernels --what ns --isa avx9
bad 2 "--params: 'nosuch' is neither a built-in set" "$GD" kernels --what ns --params nosuch
bad 2 "every 2-D shape of --params is over --max-gflop" "$GD" kernels --what ns --params resnet50 --max-gflop 1e-9
bad 2 "unknown option '--rules' for --what ns" "$GD" kernels --what ns --rules adam
bad 2 "option '--ns-backend' needs a value" "$GD" kernels --what ns --ns-backend
printf '{"name": "v", "tensors": [{"name": "b", "shape": [4]}]}' >"$tmp/vec.json"
bad 2 "no tensor of 2 or more dimensions" "$GD" kernels --what ns --params "$tmp/vec.json"
bad 1 "cannot write '/nonexistent/k.json'" "$GD" kernels --rules sgd --sizes 64 --out /nonexistent/k.json
bad 2 "--model 'cnn'" "$GD" run $blobs --model cnn
bad 2 "--model 'lsq' does not fit" "$GD" run $blobs --model lsq
bad 2 "--data 'bogus'" "$GD" run $blobs --data bogus
bad 2 "--data 'synth-blobs:n=0'" "$GD" run $blobs --data synth-blobs:n=0
bad 2 "--test-data" "$GD" run $blobs --test-data bogus
bad 1 "/nonexistent/train-images-idx3-ubyte.gz: cannot open" "$GD" run --data-dir /nonexistent --epochs 1 --quiet --no-roofline
bad 2 "--hidden 'x'" "$GD" run $blobs --hidden x
bad 2 "--hidden '0'" "$GD" run $blobs --hidden 0
bad 2 "--l1 'x'" "$GD" run $blobs --l1 x
bad 2 "--l1 '-1'" "$GD" run $blobs --l1 -1
bad 2 "--l2 'x'" "$GD" run $blobs --l2 x
bad 2 "--l2 'inf'" "$GD" run $blobs --l2 inf
bad 2 "unknown optimizer 'sdg'" "$GD" run $blobs --opt sdg
bad 2 "lr" "$GD" run $blobs --opt sgd:lr=-1
bad 2 "unknown mode 'fast'" "$GD" run $blobs --mode fast
bad 2 "batch 999 is larger" "$GD" run $blobs --mode minibatch:999
bad 2 "--schedule 'cosine'" "$GD" run $blobs --schedule cosine
bad 2 "--schedule 'step:gamma=2'" "$GD" run $blobs --schedule step:gamma=2
bad 2 "--clip 'x'" "$GD" run $blobs --clip x
bad 2 "--clip '0'" "$GD" run $blobs --clip 0
bad 2 "--noise 'x'" "$GD" run $blobs --noise x
bad 2 "--noise '-1'" "$GD" run $blobs --noise -1
bad 2 "--threads 'x'" "$GD" run $blobs --threads x
bad 2 "--threads '999'" "$GD" run $blobs --threads 999
bad 2 "--placement 'x'" "$GD" run $blobs --placement x
bad 2 "--placement: PU 9999 is not one" "$GD" run $blobs --placement 9999
bad 2 "--isa 'avx9'" "$GD" run $blobs --isa avx9
bad 2 "--impl: 'fast'" "$GD" run $blobs --impl fast
bad 2 "--time 'x'" "$GD" run $blobs --time x
bad 2 "--time '-1s'" "$GD" run $blobs --time -1s
bad 2 "--epochs 'x'" "$GD" run $blobs --epochs x
bad 2 "--epochs '0'" "$GD" run $blobs --epochs 0
bad 2 "--target 'x'" "$GD" run $blobs --target x
bad 2 "--target '-1'" "$GD" run $blobs --target -1
bad 2 "--eval-every 'x'" "$GD" run $blobs --eval-every x
bad 2 "--eval-every '0steps'" "$GD" run $blobs --eval-every 0steps
bad 2 "--eval-every 'automatic': expected auto, epoch" "$GD" run $blobs --eval-every automatic
bad 2 "--progress 'soon'" "$GD" run $blobs --progress=soon
bad 2 "--progress '0'" "$GD" run $blobs --progress=0
bad 2 "--rules: unknown rule 'adma' \\(expected one of: sgd, " "$GD" kernels --rules adma
bad 2 "--impl: 'auto' is not a gradient implementation \\(expected one of: scalar, simd" "$GD" run $blobs --impl auto
bad 2 "--seed 'x'" "$GD" run $blobs --seed x
bad 2 "--seed '-1'" "$GD" run $blobs --seed -1
bad 2 "--bucket-mb 'x'" "$GD" run $blobs --mode mpi:full --bucket-mb x
bad 2 "--bucket-mb '0'" "$GD" run $blobs --mode mpi:full --bucket-mb 0
bad 2 "--storage 'x'" "$GD" run $blobs --storage x
bad 2 "--storage 'sparse'" "$GD" run $blobs --storage sparse
bad 2 "--sparse-update 'x'" "$GD" run $blobs --sparse-update x
bad 2 "--sparse-update 'eager'" "$GD" run $blobs --sparse-update eager
printf '0 3:1 70:0.5\n1 2:1\n2 9:1 99:2\n' >text.svm
bad 2 "sparse \(CSR\) data does not support the model" "$GD" run --data libsvm:text.svm --model mlp --no-roofline --quiet --mode sample
bad 2 "sparse \(CSR\) data does not support --l1" "$GD" run --data libsvm:text.svm --l1 0.1 --no-roofline --quiet --mode sample
bad 2 "sparse \(CSR\) data does not support lbfgs" "$GD" run --data libsvm:text.svm --opt lbfgs --mode full --no-roofline --quiet
bad 2 "features must be 1..2\^28" "$GD" run --data libsvm:text.svm:features=0 --no-roofline --quiet
bad 1 "text.svm:1:7: index 70 out of range 1..50" "$GD" run --data libsvm:text.svm:features=50 --no-roofline --quiet
bad 2 "--repeat 'x'" "$GD" run $blobs --repeat x
bad 2 "--repeat '0'" "$GD" run $blobs --repeat 0
bad 1 "cannot write '/nonexistent/r.json'" "$GD" run $blobs --out /nonexistent/r.json
bad 2 "--suite: unable to open" "$GD" run $blobs --suite /nonexistent.json
echo '{"groups": [{"lr": 1}]}' >suite.json
bad 2 "group 0: unknown key 'lr'" "$GD" run $blobs --suite suite.json
tune="$GD tune --data synth-blobs:n=256:d=4:c=2 --no-roofline --quiet --force -o t.json"
bad 2 "unknown optimizer 'sdg'" $tune --opt sdg
bad 2 "more than" $tune --opt sgd:lr=1e-4..1:log64:momentum=0..0.9:lin64
bad 2 "unknown mode 'x'" $tune --opt sgd --mode x
bad 2 "--grid-epochs 'x'" $tune --opt sgd --grid-epochs x
bad 2 "--grid-epochs '0'" $tune --opt sgd --grid-epochs 0
bad 2 "--grid-time 'x'" $tune --opt sgd --grid-time x
bad 2 "--grid-time '-1s'" $tune --opt sgd --grid-time -1s
bad 2 "--seeds 'x'" $tune --opt sgd --seeds x
bad 2 "--seeds '0'" $tune --opt sgd --seeds 0
bad 2 "--criterion 'fast'" $tune --opt sgd --criterion fast
bad 2 "--criterion time needs --target" $tune --opt sgd --criterion time
bad 1 "cannot write '/nonexistent/t.json'" $tune --opt sgd --out /nonexistent/t.json
bad 2 "--models: unknown model 'cnn' \\(expected one of: lsq, " "$GD" gradcheck --models cnn
bad 2 "--impl: unknown implementation 'fast' \\(expected one of: scalar, " "$GD" gradcheck --impl fast
bad 2 "--isa 'avx9'" "$GD" gradcheck --isa avx9
bad 2 "--rows 'x'" "$GD" gradcheck --rows x
bad 2 "--rows '0'" "$GD" gradcheck --rows 0
bad 2 "--features 'x'" "$GD" gradcheck --features x
bad 2 "--features '0'" "$GD" gradcheck --features 0
bad 2 "--classes 'x'" "$GD" gradcheck --classes x
bad 2 "--classes '1'" "$GD" gradcheck --classes 1
bad 2 "--hidden 'x'" "$GD" gradcheck --hidden x
bad 2 "--hidden '0'" "$GD" gradcheck --hidden 0
bad 2 "--l1 'x'" "$GD" gradcheck --l1 x
bad 2 "--l1 '-1'" "$GD" gradcheck --l1 -1
bad 2 "--l2 'x'" "$GD" gradcheck --l2 x
bad 2 "--l2 '-1'" "$GD" gradcheck --l2 -1
bad 2 "--seed 'x'" "$GD" gradcheck --seed x
bad 2 "--seed '-1'" "$GD" gradcheck --seed -1
bad 2 "--tol 'x'" "$GD" gradcheck --tol x
bad 2 "--tol '0'" "$GD" gradcheck --tol 0
bad 2 "--steps 'x'" "$GD" paths --steps x
bad 2 "--steps '0'" "$GD" paths --steps 0
bad 1 "cannot write '/nonexistent/p.json'" "$GD" paths --out /nonexistent/p.json
"$GD" run $blobs -o r.json >/dev/null 2>&1
bad 2 "--threshold 'x'" "$CMP" --threshold x r.json r.json
bad 2 "--threshold '-1'" "$CMP" --threshold -1 r.json r.json
bad 2 "--alpha 'x'" "$CMP" --alpha x r.json r.json
bad 2 "--alpha '1'" "$CMP" --alpha 1 r.json r.json
bad 2 "--filter '\('" "$CMP" --filter '(' r.json r.json
bad 2 "cannot write '/nonexistent/c.json'" "$CMP" --json /nonexistent/c.json r.json r.json
bad 1 "cannot create '/nonexistent/rep'" "$REP" --out /nonexistent/rep r.json
bad 1 "--plugin /nonexistent/p.so: dlopen: " "$GD" kernels --plugin /nonexistent/p.so
bad 1 "--plugin /nonexistent/p.so: dlopen: " "$GD" list --plugin /nonexistent/p.so
bad 1 "--plugin /nonexistent/p.so: dlopen: " "$GD" run --plugin /nonexistent/p.so
bad 1 "--plugin /nonexistent/p.so: dlopen: " "$GD" tune --plugin /nonexistent/p.so
bad 1 "--plugin /nonexistent/p.so: dlopen: " "$GD" gradcheck --plugin /nonexistent/p.so
bad 2 "unknown option '--frob'" "$GD" run --frob
bad 2 "unknown command 'frobnicate'" "$GD" frobnicate
bad 2 "missing command" "$GD"

# every flag of every subcommand appears in at least one case above
for sub in info list kernels run tune gradcheck paths; do
	for f in $(value_flags "$GD" "$sub"); do
		check "$sub $f has a malformed or out-of-range case" grep -q -- "$sub [^|]*$f [^|]" <<<"$covered"
	done
done

# -- dataset files -----------------------------------------------------------------
: >empty.svm
bad 1 "empty.svm: empty file" "$GD" run --data libsvm:empty.svm --quiet --no-roofline
printf '1 1:0.5 2:x\n' >badval.svm
bad 1 "badval.svm:1:9: bad value in '2:x'" "$GD" run --data libsvm:badval.svm --quiet --no-roofline
printf '1 99999999999:1\n' >wide.svm
bad 1 "too large for a dense matrix" "$GD" run --data libsvm:wide.svm --quiet --no-roofline
printf '1 200000000:1\n1 1:1\n' >big.svm
bad 1 "GiB available" env GDBENCH_MEM_LIMIT_MB=100 "$GD" run --data libsvm:big.svm --storage dense --quiet --no-roofline
expect 0 "wrote" env GDBENCH_MEM_LIMIT_MB=100 "$GD" run --data libsvm:big.svm --mode sample --epochs 1 --no-roofline --quiet -o csr.json  # CSR: memory follows the nonzeros
# Fashion-MNIST layouts under --data-dir: fixtures with one file spoiled at a time
mkdir -p fm
idx() { # DIR: the tiny fixture under Fashion-MNIST's names for both splits
	for s in train t10k; do
		cp "$data/tiny-images-idx3-ubyte.gz" "$1/$s-images-idx3-ubyte.gz"
		cp "$data/tiny-labels-idx1-ubyte.gz" "$1/$s-labels-idx1-ubyte.gz"
	done
}
idx fm; : | gzip >fm/train-images-idx3-ubyte.gz
bad 1 "train-images-idx3-ubyte.gz: byte 0: empty file" "$GD" run --data-dir fm --quiet --no-roofline
idx fm; printf '\0\0\x08\x01\0\0\0\3' | gzip >fm/train-images-idx3-ubyte.gz
bad 1 "wrong IDX magic 0x00000801" "$GD" run --data-dir fm --quiet --no-roofline
idx fm; gzip -dc "$data/tiny-images-idx3-ubyte.gz" | head -c 30 | gzip >fm/train-images-idx3-ubyte.gz
bad 1 "truncated: 14 of 18 pixel bytes" "$GD" run --data-dir fm --quiet --no-roofline
idx fm; head -c 30 "$data/tiny-images-idx3-ubyte.gz" >fm/train-images-idx3-ubyte.gz
bad 1 "train-images-idx3-ubyte.gz.*(corrupt gzip|truncated)" "$GD" run --data-dir fm --quiet --no-roofline
idx fm; printf '\0\0\x08\x03\0\0\0\3\0\1\0\0\0\1\0\0' | gzip >fm/train-images-idx3-ubyte.gz
bad 1 "need .* GiB as float32, more than the .* GiB available" "$GD" run --data-dir fm --quiet --no-roofline
# parameter-set files: file:line:column of the offending value (tests/data/params; test_params has them all)
pp="$data/params"
bad 1 "bad-syntax.json:1:58: unexpected token near ']'" "$GD" list --params "$pp/bad-syntax.json"
bad 1 "bad-unknown-key.json:3:3: unknown key \"tensor\" \(expected name, source or tensors\)" "$GD" list --params "$pp/bad-unknown-key.json"
bad 1 "bad-missing-shape.json:5:5: tensors\[1\]: the object starting here has no \"shape\"" "$GD" list --params "$pp/bad-missing-shape.json"
bad 1 "bad-ndim5.json:4:28: tensors\[0\].shape: 5 dimensions \(expected 1 to 4\)" "$GD" list --kind params --params "$pp/bad-ndim5.json"
bad 1 "bad-dim-negative.json:5:26: tensors\[0\].shape\[1\]: -2 is not positive" "$GD" list --json --params "$pp/bad-dim-negative.json"
bad 1 "bad-duplicate-name.json:6:28: tensors\[2\].name: \"w\" repeats tensors\[0\]'s" "$GD" list --params "$pp/bad-duplicate-name.json"
bad 1 "range-total.json:7:28: tensors\[3\].shape: the set's element count overflows" "$GD" list --params "$pp/range-total.json"
bad 1 "bad-dim-zero.json:4:32: " "$GD" list --params "$pp/good.json" --params "$pp/bad-dim-zero.json"

# -- outputs -------------------------------------------------------------------------
"$GD" run $blobs -o prev.json >/dev/null 2>&1
cp prev.json prev.orig
bad 2 "'prev.json' exists; use --force" "$GD" run --data synth-blobs:n=256:d=4:c=2 --epochs 1 --quiet -o prev.json
bad 2 "'prev.json' exists; use --force" "$GD" kernels --rules sgd --sizes 64 -o prev.json
bad 2 "'prev.json' exists; use --force" "$GD" tune --opt sgd --data synth-blobs:n=256:d=4:c=2 -o prev.json
bad 1 "cannot write '/sys/r.json'" "$GD" run $blobs -o /sys/r.json
mkdir -p ro && chmod 555 ro
if [ "$(id -u)" -ne 0 ]; then bad 1 "cannot write 'ro/r.json': Permission denied" "$GD" run $blobs -o ro/r.json; fi
# a full disk: writes past RLIMIT_FSIZE fail (EFBIG) as they would with ENOSPC; SIGXFSZ ignored
# (output through pipes: the limit is the child's only, not its readers')
cat >full.sh <<'EOF'
set -o pipefail
{ ( ulimit -f 1; trap '' XFSZ; exec "$@" ) 2>&1 1>&3 3>&- | cat >&2; } 3>&1 | cat
EOF
full=(bash "$tmp/full.sh")
bad 1 "cannot write 'prev.json'.*previous file is intact" "${full[@]}" "$GD" run $blobs -o prev.json
check 'run: the previous result file is intact after a failed write' cmp -s prev.json prev.orig
# kernels: Google Benchmark prints its context on stderr first; the message is the last line
expect 1 "cannot write 'prev.json': the results did not reach the disk whole.*previous file is intact" \
	"${full[@]}" "$GD" kernels --what update --rules adam --sizes 64 --threads 1 --min-time 0.001 --force -o prev.json
check 'kernels: the previous result file is intact after a failed write' cmp -s prev.json prev.orig
expect 2 "cannot write 'prev.json'" "${full[@]}" "$CMP" --json prev.json "$data/fuzz/results/run-small.json" \
	"$data/fuzz/results/run-small.json"
check 'compare: the previous verdict file is intact after a failed write' cmp -s prev.json prev.orig
check 'no temporary file is left behind' bash -c '! ls prev.json?* 2>/dev/null | grep -q .'

# -- faults during a run ---------------------------------------------------------------
# a worker thread that cannot be created: 1.5 GB default stacks under a 2.5 GB address-space
# limit; the 1-thread run before it is kept (sanitizer runtimes reserve more than the limit)
if ! ldd "$GD" | grep -Eq 'lib(asan|tsan)'; then
	thr=(bash -c 'ulimit -s 1500000; ulimit -v 2500000; exec "$@"' thr)
	bad 1 "worker 1 of 2: cannot create its thread: Resource temporarily unavailable \(pthread_create\)" \
		"${thr[@]}" "$GD" run $blobs --threads 1,2 -o thr.json
	check 'the run before the failed thread is kept' grep -q '"threads": 1' thr.json
fi

finish bad_input
