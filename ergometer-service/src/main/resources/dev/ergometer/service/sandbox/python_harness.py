"""Ergometer's Python harness: runs a submission's test cases and trial loops inside the bubblewrap sandbox.

Protocol, one JSON object per line (see docs/service-sandbox.md):
  worker -> harness: the request line, then "go" or "stop" after each "validated", "trial-start", "trial-end";
                     "time P" (time P passes) or "go P" (each trial runs P passes) after "calibrate", "calibrated".
  harness -> worker: ready, loaded, output (one per test case), validated, trial-start, trial-end (warmups),
                     calibrate, calibrated..., trial-start, trial-end (trials), done, or error.
The protocol runs on private copies of stdin and stdout; the submission's stdin is /dev/null and its stdout goes to
stderr, which the worker caps, so nothing the submission prints can be taken for a protocol line. Forked children
lose the protocol descriptors, so a fork cannot speak for the harness either.
"""

import errno
import json
import math
import os
import sys
import time
import traceback
import tracemalloc
import types

MAIN_PID = os.getpid()
SUBMISSION_FILE = "/tmp/submission.py"
MAX_DEPTH = 60
EXACT_INT_LIMIT = 10 ** 18 - 1  # beyond this an int travels as {"__int__": "digits"} so no digit is lost
MESSAGE_CHARS = 4000

_PROTO_OUT_FD = os.dup(1)  # non-inheritable: exec'd programs do not get it
_PROTO_IN_FD = os.dup(0)
_null = os.open(os.devnull, os.O_RDONLY)
os.dup2(_null, 0)
os.close(_null)
os.dup2(2, 1)
PROTO_OUT = os.fdopen(_PROTO_OUT_FD, "w", encoding="utf-8", newline="\n")
PROTO_IN = os.fdopen(_PROTO_IN_FD, "r", encoding="utf-8", newline="\n")


def _forked_child():
    for fd in (_PROTO_OUT_FD, _PROTO_IN_FD):
        try:
            os.close(fd)
        except OSError:
            pass


os.register_at_fork(after_in_child=_forked_child)
if hasattr(sys, "set_int_max_str_digits"):
    sys.set_int_max_str_digits(0)


def leave(status):
    """Ends the harness without running the submission's atexit hooks or waiting for its threads."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    os._exit(status)


def send(event, **fields):
    if os.getpid() != MAIN_PID:
        leave(0)  # a forked child of the submission: it does not speak for the harness
    fields["event"] = event
    PROTO_OUT.write(json.dumps(fields, allow_nan=False, separators=(",", ":")) + "\n")
    PROTO_OUT.flush()


def receive():
    line = PROTO_IN.readline()
    if not line:
        leave(3)  # the worker is gone
    return line.strip()


def ask(event, **fields):
    """Sends an event and waits for the worker's answer: True for "go", False for "stop"."""
    send(event, **fields)
    return receive() == "go"


def fail(error_type, message, case=None):
    send("error", type=error_type, message=message[:MESSAGE_CHARS], case=case)
    leave(0)


def _encoded_sort_key(value):
    return json.dumps(value, sort_keys=True)


def encode(value, depth=0):
    """A Python value as JSON: tuples, sets, non-finite floats, huge ints and other objects tagged distinctly."""
    if depth > MAX_DEPTH:
        raise ValueError("the result nests more than %d levels deep" % MAX_DEPTH)
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if -EXACT_INT_LIMIT <= value <= EXACT_INT_LIMIT else {"__int__": str(value)}
    if isinstance(value, float):
        if math.isnan(value):
            return {"__float__": "NaN"}
        if math.isinf(value):
            return {"__float__": "Infinity" if value > 0 else "-Infinity"}
        return value
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v, depth + 2) for v in value]}
    if isinstance(value, list):
        return [encode(v, depth + 1) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {k: encode(v, depth + 1) for k, v in value.items()}
        return {"__dict__": [[encode(k, depth + 3), encode(v, depth + 3)] for k, v in value.items()]}
    if isinstance(value, (set, frozenset)):
        return {"__set__": sorted((encode(v, depth + 2) for v in value), key=_encoded_sort_key)}
    if isinstance(value, (bytes, bytearray)):
        return {"__bytes__": bytes(value).hex()}
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return encode(value.tolist(), depth)
    return {"__repr__": repr(value)[:MESSAGE_CHARS]}


def decode(value):
    """A JSON input as Python: {"__tuple__": [...]}, {"__float__": "NaN"} and {"__int__": "..."} become their values."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        if len(value) == 1:
            (key, inner), = value.items()
            if key == "__tuple__" and isinstance(inner, list):
                return tuple(decode(v) for v in inner)
            if key == "__float__" and inner in ("NaN", "Infinity", "-Infinity"):
                return float(inner)
            if key == "__int__" and isinstance(inner, str):
                return int(inner)
        return {k: decode(v) for k, v in value.items()}
    return value


def call(function, case):
    """Calls the entry point the JouleTrace way: an object gives named arguments, a list positional ones."""
    if isinstance(case, dict):
        return function(**case)
    if isinstance(case, list):
        return function(*case)
    return function(case)


def submission_traceback(exc):
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == SUBMISSION_FILE]
    lines = traceback.format_list(frames) + traceback.format_exception_only(type(exc), exc)
    return "".join(lines).rstrip()


SECURITY_ERRNOS = {
    errno.EROFS: "the file system is read-only in the sandbox (only /tmp is writable)",
    errno.EACCES: "permission denied by the sandbox",
    errno.EPERM: "operation not permitted in the sandbox",
    errno.ENETUNREACH: "the sandbox has no network",
    errno.EHOSTUNREACH: "the sandbox has no network",
    errno.ECONNREFUSED: "the sandbox has no network",
    errno.EAFNOSUPPORT: "the sandbox has no network",
    errno.EAGAIN: "the process limit of the sandbox was reached (a fork or thread bomb?)",
}


def classify(exc, limits):
    """(error type, message) for an exception the submission raised."""
    if isinstance(exc, MemoryError):
        return "MEMORY", "ran out of memory: the limit is %d bytes (MemoryError)\n%s" % (
            limits["memoryBytes"], submission_traceback(exc))
    name = type(exc).__module__ + "." + type(exc).__name__
    if name in ("socket.gaierror", "socket.herror"):
        return "SECURITY", "the sandbox has no network (name lookup failed)\n" + submission_traceback(exc)
    if isinstance(exc, OSError) and exc.errno in SECURITY_ERRNOS:
        return "SECURITY", SECURITY_ERRNOS[exc.errno] + "\n" + submission_traceback(exc)
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return "RUNTIME", "no space left in the sandbox's private /tmp (%d bytes)\n%s" % (
            limits["tmpBytes"], submission_traceback(exc))
    if isinstance(exc, RuntimeError) and "can't start new thread" in str(exc):
        return "SECURITY", "the process limit of the sandbox was reached (a thread bomb?)\n" + submission_traceback(exc)
    if isinstance(exc, SystemExit):
        return "RUNTIME", "the submission called exit(%r)" % (exc.code,)
    return "RUNTIME", submission_traceback(exc)


def load(code, entry_point):
    try:
        with open(SUBMISSION_FILE, "w", encoding="utf-8") as source:
            source.write(code)
    except OSError:
        pass  # only tracebacks lose their source lines
    module = types.ModuleType("submission")
    module.__file__ = SUBMISSION_FILE
    sys.modules["submission"] = module
    try:
        compiled = compile(code, SUBMISSION_FILE, "exec")
    except (SyntaxError, ValueError) as exc:
        fail("COMPILE", "".join(traceback.format_exception_only(type(exc), exc)).rstrip())
    exec(compiled, module.__dict__)
    parts = entry_point.split(".")
    if parts[0] not in module.__dict__:
        fail("COMPILE", "the submission defines no '%s' (the entry point is '%s')" % (parts[0], entry_point))
    target = module.__dict__[parts[0]]
    for part in parts[1:]:
        if isinstance(target, type):
            target = target()
        if not hasattr(target, part):
            fail("COMPILE", "'%s' has no attribute '%s' (the entry point is '%s')" % (
                type(target).__name__, part, entry_point))
        target = getattr(target, part)
    if isinstance(target, type) or not callable(target):
        fail("COMPILE", "the entry point '%s' is not a function" % entry_point)
    return target


def run_all(function, cases, limits, on_output=None):
    for index, case in enumerate(cases):
        try:
            value = call(function, case)
            if on_output is not None:
                on_output(index, encode(value))
        except BaseException as exc:  # noqa: B902 - everything the submission raises is a result
            if os.getpid() != MAIN_PID:
                leave(1)
            error_type, message = classify(exc, limits)
            fail(error_type, "test case %d: %s" % (index, message), case=index)


def main():
    send("ready")
    request = json.loads(receive())
    limits = {"memoryBytes": request["memoryBytes"], "tmpBytes": request["tmpBytes"]}
    raw_inputs = request["inputs"]
    try:
        function = load(request["code"], request["entryPoint"])
    except BaseException as exc:  # noqa: B902 - the module's own top-level code failed
        if os.getpid() != MAIN_PID:
            leave(1)
        error_type, message = classify(exc, limits)
        fail(error_type, "loading the submission: " + message)
    send("loaded")

    run_all(function, [decode(c) for c in raw_inputs], limits,
            on_output=lambda index, value: send("output", case=index, value=value))
    if not ask("validated"):
        finish()
    warmups, trials = request["warmups"], request["trials"]

    def fresh():
        """Fresh arguments for one pass, made before a trial starts: a mutating submission sees the same ones."""
        return [decode(c) for c in raw_inputs]

    for trial in range(-warmups, 0):
        cases = fresh()
        if not ask("trial-start", trial=trial):
            finish()
        run_all(function, cases, limits)
        if not ask("trial-end", trial=trial):
            finish()
    if trials == 0:
        finish()
    passes = calibrate(function, fresh, limits)
    for trial in range(trials):
        passes_cases = [fresh() for _ in range(passes)]
        if not ask("trial-start", trial=trial):
            break
        for cases in passes_cases:
            run_all(function, cases, limits)
        if not ask("trial-end", trial=trial):
            break
        del passes_cases  # freed after the trial ended, not during the next one
    finish()


def calibrate(function, fresh, limits):
    """Times passes over the test cases as the worker asks ("time P"), until it says how many a trial runs ("go P")."""
    send("calibrate")
    while True:
        answer = receive().split()
        if len(answer) != 2 or answer[0] not in ("time", "go") or not answer[1].isdigit() or int(answer[1]) < 1:
            finish()  # "stop", or anything else: no trials
        passes = int(answer[1])
        if answer[0] == "go":
            return passes
        built = time.perf_counter_ns()
        tracemalloc.start()
        first = fresh()
        argument_bytes = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        passes_cases = [first] + [fresh() for _ in range(passes - 1)]
        started = time.perf_counter_ns()
        for cases in passes_cases:
            run_all(function, cases, limits)
        ended = time.perf_counter_ns()
        del passes_cases
        send("calibrated", passes=passes, nanos=ended - started, argumentBytes=argument_bytes,
             argumentNanos=started - built)


def finish():
    send("done")
    leave(0)


if __name__ == "__main__":
    main()
