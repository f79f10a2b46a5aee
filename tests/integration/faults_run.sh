#!/usr/bin/env bash
# One fault-injection scenario under mpirun with 4 ranks (CAPBENCH_FAULT), checked from the
# exit code, stderr and the results file (through faults_check, which uses the strict reader).
# Usage: faults_run.sh SCENARIO MPIRUN CAPBENCH FAULTS_CHECK SUITE WORKDIR CAPREPORT
# Scenarios: hang, hang_collective, exit, throw, wrong, slow_ok, sigterm, second_signal, bad_fault,
# thin_at_source, tear
set -uo pipefail
scenario="$1" mpirun="$2" capbench="$3" check="$4" suite="$5" work="$6" capreport="$7"
rm -rf "$work" && mkdir -p "$work"
results="$work/results.json"
grace=2
# shellcheck source-path=SCRIPTDIR source=launcher_wait.sh
source "$(dirname "${BASH_SOURCE[0]}")/launcher_wait.sh"
fail() { echo "faults_run $scenario: $*" >&2; echo "--- stderr:" >&2; cat "$work/stderr" >&2 2>/dev/null; exit 1; }

# Runs capbench on 4 ranks with the given fault; sets rc and elapsed (seconds).
run_with_fault() {
  local start=$SECONDS
  # The outer timeout only guards the test itself: a run that outlives it is a failure, with
  # the processes still alive listed for diagnosis.
  CAPBENCH_FAULT="$1" timeout -k 5 40 "$mpirun" -np 4 --oversubscribe "$capbench" run --suite "$suite" \
    --results "$results" --grace "$grace" --threads 1 > "$work/stdout" 2> "$work/stderr"
  rc=$?
  elapsed=$((SECONDS - start))
  if [[ $elapsed -ge 40 ]]; then
    pgrep -a -f "capbench|mpirun|orted" >&2
    fail "the run did not end within 40 s"
  fi
}

expect_file() { "$check" "$results" "$@" >&2 || fail "results file does not hold what was expected"; }
expect_stderr() { grep -qF -- "$1" "$work/stderr" || fail "stderr does not contain '$1'"; }
expect_failed_exit() { [[ $rc -ne 0 ]] || fail "exit code 0 after a fault"; }
# Once the file's final trailer is on disk, the journal beside it is gone.
expect_no_journal() { [[ ! -e "$results.journal" ]] || fail "the journal stayed after the run ended"; }
# Case timeout 3 s + grace 2 s, plus a margin for MPI start-up and teardown on a loaded machine.
expect_quick() { [[ $elapsed -le 25 ]] || fail "took ${elapsed} s; the fault should end the run in about 5 s"; }

case "$scenario" in
  hang)  # rank 2 stops answering in the last case: rank 0 names it and keeps the four cases before
    run_with_fault "rank=2,case=5,kind=hang"
    expect_failed_exit; expect_quick
    expect_stderr "rank 2 (host "
    expect_file status=incomplete "reason~rank 2 (host " "reason~did not report" cases=5 \
      case0=passed case1=passed case2=passed case3=passed case4=failed case4.rank2=timeout fault~kind=hang
    ;;
  hang_collective)  # the others wait in the collective's bounded barrier, not in a blocking call
    run_with_fault "rank=2,case=3,kind=hang"
    expect_failed_exit; expect_quick
    expect_stderr "rank 2 (host "
    expect_file status=incomplete "reason~rank 2 (host " cases=3 case0=passed case1=passed case2.rank2=timeout
    ;;
  exit)  # rank 1 is killed (SIGKILL): mpirun tears the job down; rank 0 still writes the file
    run_with_fault "rank=1,case=2,kind=exit"
    expect_failed_exit; expect_quick
    expect_stderr "rank 1 (host "
    expect_file status=incomplete "reason~rank 1 (host " cases=2 case0=passed case1.rank1=timeout fault~kind=exit \
      "case1.rank1~died: its process" "reason~(died)"
    ;;
  throw)  # rank 3's case throws: that case fails naming rank 3, the run goes on, exit 1
    run_with_fault "rank=3,case=1,kind=throw"
    [[ $rc -eq 1 ]] || fail "exit $rc, expected 1"
    expect_no_journal
    expect_stderr "FAILED rank 3 (host "
    expect_file status=complete cases=5 case0=failed case0.rank3=failed "case0.rank3~injected fault" \
      case0.rank0=ok case1=passed case2=passed case3=passed case4=passed
    ;;
  wrong)  # rank 2's GEMM output is corrupted before the Freivalds check: verification fails
    run_with_fault "rank=2,case=gemm/fp64/96x96x96,kind=wrong"
    [[ $rc -eq 1 ]] || fail "exit $rc, expected 1"
    expect_stderr "FAILED rank 2 (host "
    expect_file status=complete cases=5 case4=failed case4.rank2=failed "case4.rank2~verification failed" \
      case4.rank1=ok case0=passed
    ;;
  slow_ok)  # a straggler within the timeout delays the run but fails nothing
    run_with_fault "rank=1,case=1,kind=slow,seconds=1"
    [[ $rc -eq 0 ]] || fail "exit $rc, expected 0"
    expect_file status=complete cases=5 case0=passed "reason~fault injection active" fault~kind=slow
    ;;
  thin_at_source)  # above --all-samples-up-to, ranks send statistics; only the kept send samples
    # Not a deadline test: 6 ranks on 2 loaded cores once took 2.9 s to set up the first case,
    # past the suite's 3 s, and a rank that fails keeps no samples to thin.
    timeout -k 5 50 "$mpirun" -np 6 --oversubscribe "$capbench" run --suite "$suite" --results "$results" \
      --grace 10 --threads 1 --all-samples-up-to 2 --set defaults.timeout_s=30 > "$work/stdout" 2> "$work/stderr"
    rc=$?
    [[ $rc -eq 0 || $rc -eq 1 ]] || fail "exit $rc"
    expect_file cases=5 thinned=2
    ;;
  sigterm)  # Slurm's time limit: SIGTERM to mpirun mid-run leaves a valid file marked incomplete
    CAPBENCH_FAULT="rank=1,case=3,kind=slow,seconds=30" "$mpirun" -np 4 --oversubscribe "$capbench" run \
      --suite "$suite" --results "$results" --grace 20 --threads 1 > "$work/stdout" 2> "$work/stderr" &
    pid=$!
    for _ in $(seq 100); do  # wait until case 3 has started (cases 1 and 2 are on disk)
      grep -q "\[  3/5\]" "$work/stderr" 2>/dev/null && break
      sleep 0.1
    done
    sleep 0.5
    kill -TERM "$pid"
    start=$SECONDS
    wait_for_launcher_end "$pid" "^$capbench run --suite $suite" 30 ||
      { kill -KILL "$pid"; fail "a rank was still running 30 s after SIGTERM: $launcher_left"; }
    rc=$launcher_rc
    [[ $((ranks_ended_at - start)) -le 10 ]] || fail "the ranks took $((ranks_ended_at - start)) s to stop after SIGTERM"
    expect_failed_exit
    expect_file status=incomplete "reason~signal 15" case0=passed case1=passed
    expect_no_journal
    ;;
  tear)  # rank 0 is killed halfway through writing case 3 into the file: no reader accepts the
         # cut file, and capreport salvage recovers the two cases before it from the journal
    run_with_fault "rank=0,case=3,kind=tear"
    expect_failed_exit; expect_quick
    [[ -s "$results.journal" ]] || fail "no journal beside the cut file"
    "$capreport" summary "$results" >"$work/summary.out" 2>&1
    summary_rc=$?
    [[ $summary_rc -eq 2 ]] || fail "capreport summary of the cut file: exit $summary_rc, expected 2 (the file is not cut?)"
    grep -qF "capreport salvage $results" "$work/summary.out" ||
      fail "the reader's error does not point to capreport salvage: $(cat "$work/summary.out")"
    before=$(sha256sum <"$results")
    salvaged="$work/salvaged.json"
    "$capreport" salvage "$results" -o "$salvaged" >"$work/salvage.out" 2>&1 ||
      fail "capreport salvage failed: $(cat "$work/salvage.out")"
    grep -q "^salvaged 2 finished cases of " "$work/salvage.out" || fail "salvage said: $(cat "$work/salvage.out")"
    [[ $(sha256sum <"$results") == "$before" ]] || fail "salvage changed the cut file"
    "$check" "$salvaged" status=incomplete cases=2 case0=passed case1=passed "reason~salvaged by capreport salvage" \
      "reason~appending case 3" fault~kind=tear >&2 || fail "the salvaged file does not hold the two finished cases"
    "$capreport" salvage "$salvaged" -o "$work/again.json" >"$work/again.out" 2>&1 || fail "salvage of a whole file failed"
    grep -q "reads whole" "$work/again.out" || fail "salvage of a whole file said: $(cat "$work/again.out")"
    [[ ! -e "$work/again.json" ]] || fail "salvage of a whole file wrote a new one"
    ;;
  second_signal)  # one process, rank 0 stuck: the first SIGTERM marks the file, the second exits at once
    CAPBENCH_FAULT="rank=0,case=2,kind=hang" "$capbench" run --suite "$suite" --results "$results" \
      --grace 20 --threads 1 > "$work/stdout" 2> "$work/stderr" &
    pid=$!
    for _ in $(seq 100); do
      grep -q "\[  2/5\]" "$work/stderr" 2>/dev/null && break
      sleep 0.1
    done
    kill -TERM "$pid"
    sleep 1.5  # the watchdog marks the file within about 0.4 s though the main thread is stuck
    kill -0 "$pid" 2>/dev/null || fail "exited on the first signal; it should only have marked the file"
    expect_file status=incomplete "reason~stopped by signal 15 during case 2" cases=1 case0=passed
    kill -TERM "$pid"
    start=$SECONDS
    wait "$pid"
    rc=$?
    [[ $rc -eq 143 ]] || fail "exit $rc after the second SIGTERM, expected 143 (128 + 15)"
    [[ $((SECONDS - start)) -le 2 ]] || fail "took $((SECONDS - start)) s to exit after the second signal"
    ;;
  bad_fault)  # a malformed CAPBENCH_FAULT is a usage error (exit 2) naming the variable; nothing runs
    for spec in "rank=x,case=1,kind=hang" "rank=1,case=1,kind=explode" "rank=9,case=1,kind=hang" \
                "rank=1,case=99,kind=hang" "rank=1,case=no/such/case,kind=hang" "rank=1,case=1" \
                "rank=1,case=1,kind=hang,extra=1" "rank=1,rank=2,case=1,kind=hang" \
                "rank=1,case=1,kind=hang,seconds=2" "rank=1,case=0,kind=throw" "" "rank=1;case=1;kind=hang" \
                "rank=1,case=1,kind=tear"; do
      CAPBENCH_FAULT="$spec" "$mpirun" -np 2 --oversubscribe "$capbench" run --suite "$suite" \
        --results "$results" --grace "$grace" --threads 1 > "$work/stdout" 2> "$work/stderr"
      rc=$?
      [[ $rc -eq 2 ]] || fail "CAPBENCH_FAULT='$spec': exit $rc, expected 2"
      expect_stderr "CAPBENCH_FAULT"
      [[ ! -e "$results" ]] || fail "CAPBENCH_FAULT='$spec': a results file was written"
    done
    ;;
  *) echo "faults_run: unknown scenario '$scenario'" >&2; exit 2 ;;
esac
echo "faults_run $scenario: ok (exit $rc)"
