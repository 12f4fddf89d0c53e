"""The portal as an operator installs it. The built wheel carries everything the app reads at run
time (the migrations, templates, static files, compiled translations and data); and the README's
production section, run word for word from a folder outside the checkout against that wheel
installed, migrates, creates the first admin, and serves the portal under gunicorn, where the
admin signs in and is sent to set up two-factor.

Slow (a wheel build, then a few `flask` runs and a gunicorn boot: about half a minute), and kept
in the suite: it is the only test that sees the package as `pip install .` makes it, and not the
checkout that every other test imports.
"""

# ruff: noqa: S603 (fixed commands: this venv's own pip, flask, gunicorn and python)
from __future__ import annotations

import http.client
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup

from portal.config import PRODUCTION_REQUIRED, Settings
from tests.helpers import listening_socket, wait_until
from tests.helpers.proxy_stack import TEMPLATE, template_variables

pytestmark = pytest.mark.packaging

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PORTAL = ROOT / "portal"
ADMIN_PASSWORD = "Rahasia-Sekali-2026!"  # noqa: S105 (a test account)
PUBLIC = "https://sigap.test"


def production_block(number: int = 0) -> list[str]:
    """The commands of a ```sh block of the README's production section (the first: the portal;
    the second: nginx), comments removed, continued lines joined."""
    section = (ROOT / "README.md").read_text().split("\n## Production\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh\n")[number + 1].split("```", 1)[0].replace("\\\n", " ")
    lines = [re.sub(r"\s+#\s.*$", "", line).strip() for line in block.splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def readme_command(program: str) -> tuple[dict[str, str], list[str]]:
    """The README's line that runs `program` (e.g. "flask --app portal db upgrade"): the variables
    set in front of it, and the command with this venv's program in place of the bare name."""
    words = program.split()
    for line in production_block():
        parts = shlex.split(line)
        assigned = {}
        while parts and re.fullmatch(r"[A-Z_]+=\S*", parts[0]):
            name, value = parts.pop(0).split("=", 1)
            assigned[name] = value
        if parts[: len(words)] == words:
            return assigned, [str(BIN / parts[0]), *parts[1:]]
    raise AssertionError(f"the README's production section has no line starting with {program!r}")


def files_under(folder: Path, pattern: str = "*") -> set[str]:
    return {
        path.relative_to(ROOT).as_posix()
        for path in folder.rglob(pattern)
        if path.is_file() and "__pycache__" not in path.parts
    }


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel `pip install .` would build and install, built from a copy of what the build reads
    (so that nothing is written into the checkout), offline, with this venv's setuptools."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "setup.cfg", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(PORTAL, source / "portal", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    out = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", out, source],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    (made,) = out.glob("sigap_portal-*.whl")
    return made


def test_the_wheel_carries_what_the_app_reads_at_run_time(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    migrations = PORTAL / "migrations"
    versions = files_under(migrations / "versions", "*.py")
    assert len(versions) >= 13 and "portal/migrations/versions/0001_roster_and_status_check.py" in versions
    expected = {
        "portal/migrations/env.py": "Alembic's environment (flask db upgrade runs it)",
        "portal/migrations/script.py.mako": "the template of a new revision",
        "portal/migrations/alembic.ini": "Alembic's settings",
        **dict.fromkeys(versions, "a revision"),
        **dict.fromkeys(files_under(PORTAL / "templates"), "a template"),
        **dict.fromkeys(files_under(PORTAL / "static"), "a static file"),
        **dict.fromkeys(files_under(PORTAL / "translations", "*.mo"), "a compiled catalog"),
        **dict.fromkeys(files_under(PORTAL / "data", "*.csv"), "the regions"),
        **dict.fromkeys(files_under(PORTAL / "letters" / "documents", "*.css"), "the letter's stylesheet"),
    }
    assert "portal/translations/en/LC_MESSAGES/messages.mo" in expected
    assert "portal/static/css/portal.css" in expected and "portal/templates/base.html" in expected
    missing = {name: what for name, what in expected.items() if name not in names}
    assert not missing, f"not in {wheel.name}: {missing}"
    assert not any(name.startswith(("tests/", "bench/", "instance/")) for name in names)


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> dict:
    """The wheel installed into a folder of its own, and the environment and working folder (both
    outside the checkout) of an operator who exports what the README says."""
    site = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--target", site, wheel],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    home = tmp_path_factory.mktemp("operator")
    # Nothing of the test run's own settings (SIGAP_ENV=testing, a developer's DATABASE_URL …).
    env = {name: value for name, value in os.environ.items() if name not in Settings.model_fields}
    env.update(
        PYTHONPATH=str(site),  # the installed wheel comes before this venv's editable checkout
        SECRET_KEY="installed-test-secret-key",  # noqa: S106 (a test key)
        NIK_HMAC_KEY="installed-test-nik-hmac-key",
        DATABASE_URL=f"sqlite:///{home / 'sigap.sqlite3'}",
        RATELIMIT_STORAGE_URI="memory://",  # one gunicorn worker below
        PUBLIC_BASE_URL=PUBLIC,
        TASK_QUEUE_URL=f"sqlite:///{home / 'tasks.sqlite3'}",  # one machine here
        FILE_STORE="database",
        LETTER_SIGNING_PASSPHRASE="installed-test-passphrase",  # noqa: S106 (a test key)
        LETTER_SIGNING_P12=str(home / "letters.p12"),
    )
    made = subprocess.run(
        [sys.executable, "-m", "portal.core.signing", "demo", env["LETTER_SIGNING_P12"]],
        env=env,
        cwd=home,
        capture_output=True,
        text=True,
        timeout=60,
    )  # the README's trial key, from the installed package
    assert made.returncode == 0, made.stderr
    return {"site": site, "home": home, "env": env}


def run(installed, command: list[str], *, env: dict | None = None, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        command,
        cwd=installed["home"],
        env={**installed["env"], **(env or {})},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


def exported(lines: list[str]) -> set[str]:
    words = (word for line in lines if line.startswith("export ") for word in line.split())
    names = (re.match(r"([A-Z][A-Z0-9_]*)=", word) for word in words)
    return {name.group(1) for name in names if name}


def test_the_readme_exports_what_production_requires_and_fills_in_the_tested_nginx_file():
    assert exported(production_block()) == {
        "SECRET_KEY",
        "NIK_HMAC_KEY",
        "LETTER_SIGNING_P12",
        "LETTER_SIGNING_PASSPHRASE",
        *PRODUCTION_REQUIRED,
    }
    nginx = production_block(1)
    variables = template_variables(TEMPLATE.read_text())  # what the nginx test renders
    assert len(variables) == 7 and exported(nginx) == variables
    (envsubst,) = [line for line in nginx if line.startswith("envsubst ")]
    assert template_variables(shlex.split(envsubst)[1]) == variables
    assert "< /srv/sigap/src/deploy/nginx/sigap.conf" in envsubst


def test_the_readme_recipe_from_the_installed_package(installed):
    where = run(installed, [str(BIN / "python"), "-c", "import portal; print(portal.__file__)"])
    assert where.stdout.strip() == str(installed["site"] / "portal" / "__init__.py"), where.stderr

    # Without PUBLIC_BASE_URL the installed portal does not start, and says what to set.
    _, upgrade = readme_command("flask --app portal db upgrade")
    refused = run(installed, upgrade, env={"PUBLIC_BASE_URL": ""})
    assert refused.returncode != 0 and "PUBLIC_BASE_URL is required in production" in refused.stderr

    for program in ("flask --app portal db upgrade", "flask --app portal stats refresh"):
        _, command = readme_command(program)
        done = run(installed, command)
        assert done.returncode == 0, f"{program}:\n{done.stderr[-3000:]}"

    _, create = readme_command("flask --app portal users create")
    admin = create[create.index("create") + 1]
    made = run(installed, [*create, "--password-stdin"], stdin=ADMIN_PASSWORD + "\n")
    assert made.returncode == 0 and f"{admin} (admin, seluruh Kota Bekasi) dibuat." in made.stdout, made.stderr
    seeded = run(installed, [str(BIN / "flask"), "--app", "portal", "demo", "seed"])
    assert seeded.returncode == 1 and "Data demo tidak dimuat" in seeded.stderr

    assigned, gunicorn = readme_command("gunicorn")
    assert gunicorn[-1] == "portal:create_app()" and "--timeout" in gunicorn
    listener = listening_socket()
    gunicorn[gunicorn.index("--bind") + 1] = f"fd://{listener.fileno()}"
    gunicorn[gunicorn.index("--workers") + 1] = "1"  # one is enough here (the README's 4 boot 4 apps)
    server = subprocess.Popen(
        gunicorn,
        cwd=installed["home"],
        env={**installed["env"], **assigned},
        pass_fds=(listener.fileno(),),
        stdout=subprocess.DEVNULL,
        stderr=(installed["home"] / "gunicorn.log").open("w"),
        start_new_session=True,
    )
    port = listener.getsockname()[1]
    listener.close()  # gunicorn holds it; requests wait in its backlog until the worker is up
    try:
        signed_in = admin_signs_in(port, admin)
        api = Browser(port).get("/open311/v2/openapi.json")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    assert signed_in == ("/petugas/akun/2fa", "Verifikasi dua langkah")
    assert api.status == 200 and json.loads(api.body)["servers"] == [{"url": PUBLIC}]

    # The README's task-queue worker starts from the installed package and runs its scheduled tasks.
    assigned, worker = readme_command("flask --app portal tasks worker")
    log = installed["home"] / "worker.log"
    consumer = subprocess.Popen(
        worker,
        cwd=installed["home"],
        env={**installed["env"], **assigned},
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_until(
            lambda: "Executing portal.statistics.tasks.refresh_figures" in log.read_text(),
            timeout=120,
            what=lambda: f"the worker ran no scheduled task:\n{log.read_text()[-3000:]}",
            every=0.5,
        )
    finally:
        os.killpg(consumer.pid, signal.SIGINT)
        consumer.wait(timeout=60)
    assert "Traceback" not in log.read_text()


class Browser:
    """Requests as nginx hands them over (X-Forwarded-Proto https, the portal's name as Host, the
    client's address), keeping cookies itself: the portal's cookies are Secure, for HTTPS, which
    nginx terminates."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)  # the first waits for a boot
        headers = {
            "Host": PUBLIC.removeprefix("https://"),
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "192.0.2.7",
            "Referer": f"{PUBLIC}{path}",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=urlencode(form) if form is not None else None, headers=headers)
        answer = connection.getresponse()
        answer.body = answer.read().decode()
        for header in answer.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        connection.close()
        return answer

    def get(self, path: str) -> http.client.HTTPResponse:
        return self.request("GET", path)


def admin_signs_in(port: int, email: str) -> tuple[str, str]:
    """The first admin signs in with the password given to `users create`: where the portal sends
    them (following its redirects), and the heading of that page."""
    browser = Browser(port)
    page = browser.get("/petugas/masuk")
    assert page.status == 200, page.status
    token = BeautifulSoup(page.body, "html.parser").select_one("input[name=csrf_token]")["value"]
    answer = browser.request(
        "POST", "/petugas/masuk", {"csrf_token": token, "email": email, "password": ADMIN_PASSWORD}
    )
    path = "/petugas/masuk"
    while answer.status in (302, 303):
        path = answer.headers["Location"]
        answer = browser.get(path)
    assert answer.status == 200, (path, answer.status)
    return path, BeautifulSoup(answer.body, "html.parser").h1.get_text(strip=True)
