"""Load test: gunicorn (2 workers) on 127.0.0.1, driven by wrk (``manage.py loadtest``).

Four scenarios, each for a fixed time, against one server in one run:

- ``trivial``: /ping, a Django view with no database query (the yardstick);
- ``trivial_signed_in``: /ping/signed-in as the commissioner, the cheapest page a
  signed-in person gets (the session and the user are read, nothing else);
- ``mix``: the pages ``manage.py bench`` measures, each as its own user, in turn;
- ``busiest``: the programme overview dashboard alone.

The figure is busiest ÷ trivial requests per second (budget: at least 0.5, no errors);
busiest ÷ trivial signed in is given beside it, as the share of a signed-in request's
floor that the dashboard keeps.
Sessions for each user are made beforehand in the database, signed with the same
SECRET_KEY that the server is given, so wrk only has to send a cookie.

wrk (Debian's package) rather than locust: it is a small C program that needs about a
tenth of the CPU locust needs per request, which matters on a two-core machine where the
load generator shares the processors with the server it measures.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from .bench import RESULTS_DIR, BenchError, Subjects, final_url, pages_to_measure

RATIO_BUDGET = 0.5

# wrk runs this Lua: requests go round the list; any status but 200 counts as an error.
_WRK_SCRIPT = """
local targets = {%(targets)s}
local counter = 0
non200 = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  local target = targets[(counter %% #targets) + 1]
  local headers = {}
  if target[2] ~= "" then headers["Cookie"] = target[2] end
  return wrk.format("GET", target[1], headers)
end

function response(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + thread:get("non200") end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "duration_us": %%d, "socket_errors": %%d, "non200": %%d, ' ..
    '"p50_us": %%d, "p95_us": %%d, "p99_us": %%d, "max_us": %%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, bad,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


@dataclass(frozen=True)
class Target:
    label: str
    path: str
    cookie: str  # "" for none


@dataclass
class ScenarioResult:
    name: str
    pages: list[str]
    seconds: float
    requests: int
    errors: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float


@dataclass
class LoadResults:
    started: str
    database: str
    workers: int
    connections: int
    seconds_each: int
    load_average: list[float]  # of the machine at the start (os.getloadavg)
    scenarios: list[ScenarioResult] = field(default_factory=list)
    ratio_budget: float = RATIO_BUDGET

    def scenario(self, name: str) -> ScenarioResult:
        return next(s for s in self.scenarios if s.name == name)

    @property
    def ratio(self) -> float:
        return self.scenario("busiest").rps / self.scenario("trivial").rps

    @property
    def ratio_signed_in(self) -> float | None:
        try:
            floor = self.scenario("trivial_signed_in")
        except StopIteration:
            return None
        return self.scenario("busiest").rps / floor.rps

    @property
    def errors(self) -> int:
        return sum(s.errors for s in self.scenarios)

    @property
    def passed(self) -> bool:
        return self.ratio >= self.ratio_budget and self.errors == 0

    def as_dict(self) -> dict:
        return {
            **asdict(self),
            "ratio": self.ratio,
            "ratio_signed_in": self.ratio_signed_in,
            "passed": self.passed,
        }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def session_targets(subjects: Subjects) -> tuple[list[Target], Target]:
    """The mix of pages, each with a session cookie for its user, and the busiest page."""
    cookies: dict[int, str] = {}
    targets = []
    for page in pages_to_measure(subjects):
        client = Client()
        client.force_login(page.user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        path = final_url(client, page)
        # One session per user: the mix then behaves like one person per role.
        cookies.setdefault(page.user.pk, cookie)
        targets.append(
            Target(page.label, path, f"{settings.SESSION_COOKIE_NAME}={cookies[page.user.pk]}")
        )
    busiest = next(t for t in targets if t.label == "Programme overview dashboard")
    return targets, busiest


class Server:
    """gunicorn serving this project against the configured database, DEBUG off."""

    def __init__(self, *, workers: int, log: Path):
        self.port = free_port()
        self.workers = workers
        self.log = log
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        # DATABASE_URL, REDIS_URL and the rest come from this process's environment.
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "false",
            # The same key signs the sessions made in this process.
            "SECRET_KEY": settings.SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",  # plain HTTP on the loopback, no proxy
        }
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--log-level",
                "warning",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn stopped at start:\n{self.log.read_text()[-3000:]}")
            try:
                if self.get("/ping", "") == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        raise BenchError("gunicorn did not answer /ping within 60 seconds.")

    def get(self, path: str, cookie: str) -> int:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            response = conn.getresponse()
            response.read()
            return response.status
        finally:
            conn.close()

    def __exit__(self, *exc) -> None:
        # TERM asks the master to finish requests and stop its workers; KILL if it hangs.
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def wrk_run(
    server: Server, targets: list[Target], *, seconds: int, connections: int, threads: int
) -> dict:
    listed = ", ".join(f"{{{json.dumps(t.path)}, {json.dumps(t.cookie)}}}" for t in targets)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_WRK_SCRIPT % {"targets": listed})
    try:
        completed = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                script.name,
                f"http://127.0.0.1:{server.port}",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        os.unlink(script.name)
    line = next((x for x in completed.stdout.splitlines() if x.startswith("RESULT ")), None)
    if completed.returncode != 0 or line is None:
        raise BenchError(f"wrk failed:\n{completed.stdout}\n{completed.stderr}")
    return json.loads(line.removeprefix("RESULT "))


def scenario(name: str, server: Server, targets: list[Target], **wrk_options) -> ScenarioResult:
    figures = wrk_run(server, targets, **wrk_options)
    seconds = figures["duration_us"] / 1e6
    return ScenarioResult(
        name=name,
        pages=[t.path for t in targets],
        seconds=seconds,
        requests=figures["requests"],
        errors=figures["socket_errors"] + figures["non200"],
        rps=figures["requests"] / seconds,
        p50_ms=figures["p50_us"] / 1000,
        p95_ms=figures["p95_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        max_ms=figures["max_us"] / 1000,
    )


def run_loadtest(
    subjects: Subjects,
    *,
    seconds: int = 30,
    connections: int = 4,
    threads: int = 1,
    workers: int = 2,
    progress=lambda line: None,
) -> LoadResults:
    if shutil.which("wrk") is None:
        raise BenchError("wrk is not installed: apt-get install wrk (or make bench does it).")
    targets, busiest = session_targets(subjects)
    trivial = Target("Trivial view", "/ping", "")
    trivial_signed_in = Target("Trivial view, signed in", "/ping/signed-in", busiest.cookie)
    db = connection.settings_dict
    results = LoadResults(
        started=timezone.now().isoformat(timespec="seconds"),
        database=f"{connection.vendor} {db.get('NAME')}",
        workers=workers,
        connections=connections,
        seconds_each=seconds,
        load_average=[round(x, 2) for x in os.getloadavg()],
    )
    RESULTS_DIR.mkdir(exist_ok=True)
    log = RESULTS_DIR / "loadtest-gunicorn.log"
    progress(f"Starting gunicorn with {workers} workers (log: {log})")
    with Server(workers=workers, log=log) as server:
        # Every page must answer 200 with its cookie before load is worth measuring; a
        # few rounds also warm both workers up.
        for _ in range(3):
            for target in [trivial, trivial_signed_in, *targets]:
                status = server.get(target.path, target.cookie)
                if status != 200:
                    raise BenchError(f"{target.label} ({target.path}) answered {status}.")
        options = {"seconds": seconds, "connections": connections, "threads": threads}
        for name, chosen in (
            ("trivial", [trivial]),
            ("trivial_signed_in", [trivial_signed_in]),
            ("mix", targets),
            ("busiest", [busiest]),
        ):
            progress(f"Scenario {name}: {len(chosen)} page(s) for {seconds} s")
            results.scenarios.append(scenario(name, server, chosen, **options))
    return results


def markdown(results: LoadResults) -> str:
    descriptions = {
        "trivial": "Trivial view (`/ping`, no database)",
        "trivial_signed_in": "Trivial view signed in (`/ping/signed-in`: session and user)",
        "mix": "Mix of the main pages, logged in",
        "busiest": "Programme overview dashboard alone",
    }
    lines = [
        f"# Launchpad load test, {results.started}",
        "",
        f"gunicorn, {results.workers} sync workers, 127.0.0.1, DEBUG off, database "
        f"{results.database}; wrk with {results.connections} connections, "
        f"{results.seconds_each} s a scenario; machine load average "
        f"{', '.join(map(str, results.load_average))} on {os.cpu_count()} CPUs at the start.",
        "",
        "| Scenario | Requests | Req/s | p50 ms | p95 ms | p99 ms | Max ms | Errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in results.scenarios:
        lines.append(
            f"| {descriptions[s.name]} | {s.requests:,} | {s.rps:.1f} | {s.p50_ms:.1f} | "
            f"{s.p95_ms:.1f} | {s.p99_ms:.1f} | {s.max_ms:.1f} | {s.errors} |"
        )
    verdict = "pass" if results.passed else "**FAIL**"
    lines += [
        "",
        f"Busiest dashboard ÷ trivial view: **{results.ratio:.2f}** (budget ≥ "
        f"{results.ratio_budget}, zero errors): {verdict}.",
        "",
        *(
            [
                f"Busiest dashboard ÷ trivial view signed in: **{results.ratio_signed_in:.2f}** "
                "(the share of a signed-in request's floor the dashboard keeps).",
                "",
            ]
            if results.ratio_signed_in is not None
            else []
        ),
        "Mix pages: " + ", ".join(f"`{p}`" for p in results.scenario("mix").pages) + ".",
    ]
    return "\n".join(lines) + "\n"


def write_results(results: LoadResults) -> tuple[Path, Path]:
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    md_path = RESULTS_DIR / f"loadtest-{stamp}.md"
    json_path = RESULTS_DIR / f"loadtest-{stamp}.json"
    md_path.write_text(markdown(results))
    json_path.write_text(json.dumps(results.as_dict(), indent=2))
    return md_path, json_path
