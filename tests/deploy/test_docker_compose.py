"""Consistency of the production container setup in docker/ (no Docker engine needed).

Nothing here builds or runs an image: the checks read docker/docker-compose.yml (PyYAML),
docker/.env.example, docker/Dockerfile, docker/entrypoint.sh, docker/postgres-init/ and the ONE
CKAN config template docker/ckan.ini.template, and assert they agree with each other and with
the package. Plain pytest; does not import ckan.
"""
from __future__ import annotations

import ast
import configparser
import json
import re
import shlex
import string
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DOCKER = REPO / "docker"
COMPOSE_FILE = DOCKER / "docker-compose.yml"
ENV_EXAMPLE = DOCKER / ".env.example"
DOCKERFILE = DOCKER / "Dockerfile"
ENTRYPOINT = DOCKER / "entrypoint.sh"
PG_INIT = DOCKER / "postgres-init"
TEMPLATE = DOCKER / "ckan.ini.template"

REQUIRED_SERVICES = ("ckan", "worker", "solr", "db", "redis")
CKAN_SERVICES = ("ckan", "worker")
SECRET_WORDS = ("SECRET", "PASSWORD", "TOKEN", "KEY")
PLACEHOLDER = "change-me"

# Compose interpolation: $$ (literal $), ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?err}, ${VAR?err}, $VAR
_INTERP = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[-?+])?(?P<arg>[^}]*)\}"
    r"|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))"
)


# ----------------------------------------------------------------------------------------------
# Helpers (pure functions over text, so the negative tests below can feed them broken input)
# ----------------------------------------------------------------------------------------------
def template_variables(template_text: str) -> set[str]:
    """Every ${VAR} / $VAR placeholder string.Template would substitute (what render_ini.py needs)."""
    names = set()
    for m in string.Template.pattern.finditer(template_text):
        if m.group("invalid") is not None:
            raise AssertionError(f"invalid $ placeholder in the template at offset {m.start()}")
        name = m.group("named") or m.group("braced")
        if name:
            names.add(name)
    return names


def parse_env_file(text: str) -> dict[str, str]:
    """KEY=value lines as docker compose reads an env_file / .env (comments and blanks skipped)."""
    env = {}
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        assert sep, f".env line {lineno} is not KEY=value: {raw!r}"
        key = key.strip()
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key), f".env line {lineno}: bad name {key!r}"
        assert key not in env, f".env defines {key} twice"
        env[key] = value
    return env


def compose_references(node) -> set[str]:
    """Names compose interpolates from the host environment / .env (escaped $$ excluded), found in
    the parsed compose document's strings (compose never interpolates YAML comments)."""
    if isinstance(node, dict):
        return set().union(set(), *(compose_references(k) | compose_references(v) for k, v in node.items()))
    if isinstance(node, list):
        return set().union(set(), *(compose_references(item) for item in node))
    if not isinstance(node, str):
        return set()
    return {m.group("braced") or m.group("bare") for m in _INTERP.finditer(node) if not m.group("escaped")}


def interpolate(value: str, env: dict[str, str]) -> str:
    """Compose-style interpolation of one string; a missing required variable raises KeyError."""

    def sub(m: re.Match) -> str:
        if m.group("escaped"):
            return "$"
        name = m.group("braced") or m.group("bare")
        op, arg = m.group("op"), m.group("arg") or ""
        present = name in env
        nonempty = present and env[name] != ""
        if op in (":?", "?"):
            if not (nonempty if op == ":?" else present):
                raise KeyError(f"{name} ({arg})")
            return env[name]
        if op in (":-", "-"):
            return env[name] if (nonempty if op == ":-" else present) else arg
        if op is None and not present:
            raise KeyError(name)
        return env.get(name, "")

    return _INTERP.sub(sub, value)


def service_environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(k): "" if v is None else str(v) for k, v in env.items()}


def service_env_files(service: dict) -> list[str]:
    files = service.get("env_file") or []
    if isinstance(files, (str, dict)):
        files = [files]
    return [f["path"] if isinstance(f, dict) else f for f in files]


def env_file_contents(service: dict) -> dict[str, str]:
    """The service's env_file(s); `.env` (git-ignored, holds secrets) is checked via .env.example."""
    merged: dict[str, str] = {}
    for name in service_env_files(service):
        path = DOCKER / name
        if path.name == ".env":
            path = ENV_EXAMPLE
        assert path.is_file(), f"env_file {name} has no checked-in counterpart ({path})"
        merged.update(parse_env_file(path.read_text()))
    return merged


def missing_template_variables(service: dict, template_vars: set[str]) -> set[str]:
    provided = set(env_file_contents(service)) | set(service_environment(service))
    return template_vars - provided


def container_env(service: dict, dotenv: dict[str, str]) -> dict[str, str]:
    """The environment the container sees: env_file, then `environment:` (interpolated) on top."""
    env = dict(env_file_contents(service))
    for key, value in service_environment(service).items():
        env[key] = interpolate(value, dotenv)
    return env


def published_container_ports(service: dict) -> set[int]:
    ports = set()
    for entry in service.get("ports") or []:
        if isinstance(entry, dict):
            ports.add(int(entry["target"]))
        else:
            spec = str(entry).split("/")[0]
            ports.add(int(spec.rsplit(":", 1)[-1]))
    return ports


def named_volume_sources(service: dict) -> set[str]:
    names = set()
    for entry in service.get("volumes") or []:
        if isinstance(entry, dict):
            if entry.get("type", "volume") == "volume" and entry.get("source"):
                names.add(entry["source"])
            continue
        source = str(entry).split(":", 1)[0]
        if ":" in str(entry) and not source.startswith((".", "/", "~", "$")):
            names.add(source)
    return names


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with line continuations joined and comments dropped."""
    lines, current = [], ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if current and stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        current += stripped
        lines.append(current)
        current = ""
    out = []
    for line in lines:
        instr, _, args = line.partition(" ")
        out.append((instr.upper(), args.strip()))
    return out


def exec_form(args: str) -> list[str]:
    """CMD/ENTRYPOINT/HEALTHCHECK CMD arguments as argv (JSON exec form or shell form)."""
    args = args.strip()
    if args.startswith("["):
        return json.loads(args)
    return ["/bin/sh", "-c", args]


def final_stage(instructions: list[tuple[str, str]]) -> list[tuple[str, str]]:
    starts = [i for i, (instr, _) in enumerate(instructions) if instr == "FROM"]
    assert starts, "Dockerfile has no FROM"
    return instructions[starts[-1]:]


def wsgi_targets(argv: list[str]) -> list[str]:
    """module:attribute targets on a gunicorn command line."""
    words = []
    for word in argv:
        words.extend(shlex.split(word) if " " in word else [word])
    return [w for w in words if re.fullmatch(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*", w)]


def module_file(module: str) -> Path:
    """Where setup.py's package_dir puts a module of this distribution (no import)."""
    parts = module.split(".")
    roots = {"ckanext": REPO / "ckanext-westsuffolk" / "ckanext", "publish_jobs": REPO / "publish_jobs",
             "westsuffolk_core": REPO / "westsuffolk_core"}
    assert parts[0] in roots, f"{module} is not a module of this distribution"
    return roots[parts[0]].joinpath(*parts[1:]).with_suffix(".py")


def module_defines(path: Path, name: str) -> bool:
    tree = ast.parse(path.read_text())
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and any(
            isinstance(t, ast.Name) and t.id == name for t in targets
        ):
            return True
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name == name:
            return True
    return False


# ----------------------------------------------------------------------------------------------
# Fixtures
# ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def compose_text() -> str:
    return COMPOSE_FILE.read_text()


@pytest.fixture(scope="module")
def compose(compose_text) -> dict:
    data = yaml.safe_load(compose_text)
    assert isinstance(data, dict) and isinstance(data.get("services"), dict), "compose file has no services"
    return data


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


@pytest.fixture(scope="module")
def dotenv() -> dict[str, str]:
    return parse_env_file(ENV_EXAMPLE.read_text())


@pytest.fixture(scope="module")
def template_vars() -> set[str]:
    names = template_variables(TEMPLATE.read_text())
    assert names, "the ini template has no ${VAR} placeholders?"
    return names


@pytest.fixture(scope="module")
def dockerfile() -> list[tuple[str, str]]:
    return dockerfile_instructions(DOCKERFILE.read_text())


# ----------------------------------------------------------------------------------------------
# docker-compose.yml
# ----------------------------------------------------------------------------------------------
def test_required_services_exist(services):
    missing = [name for name in REQUIRED_SERVICES if name not in services]
    assert not missing, f"docker-compose.yml lacks services: {missing}"


def test_ckan_and_worker_run_the_image_built_from_this_repo(services):
    for name in CKAN_SERVICES:
        build = services[name].get("build")
        assert isinstance(build, dict), f"{name} must build the image (build: context/dockerfile)"
        context = (DOCKER / build["context"]).resolve()
        assert context == REPO, f"{name} build context {context} is not the repository root"
        assert (context / build["dockerfile"]).resolve() == DOCKERFILE.resolve()
    assert services["ckan"].get("image") == services["worker"].get("image"), "ckan and worker must share one image"


def test_ckan_publishes_port_5000(services):
    assert 5000 in published_container_ports(services["ckan"]), "ckan must publish container port 5000"


def test_worker_runs_ckan_jobs_worker_with_the_rendered_ini(services):
    command = services["worker"].get("command")
    text = " ".join(command) if isinstance(command, list) else str(command)
    assert re.search(r"\bckan\s+-c\s+\"?\$\$\{?CKAN_INI\}?\"?\s+jobs\s+worker\b", text), (
        f"worker command must be `ckan -c $CKAN_INI jobs worker` with $$ so compose leaves it to the "
        f"container shell, got {command!r}"
    )
    assert "ports" not in services["worker"], "workers serve no HTTP"


def test_named_volumes_declared_and_used(compose, services):
    declared = set((compose.get("volumes") or {}).keys())
    used = set().union(*(named_volume_sources(s) for s in services.values()))
    assert declared, "no named volumes declared"
    assert used <= declared, f"services mount undeclared volumes: {sorted(used - declared)}"
    assert declared <= used, f"declared volumes no service mounts: {sorted(declared - used)}"


@pytest.mark.parametrize(
    "service, target",
    [("ckan", "/var/lib/ckan"), ("worker", "/var/lib/ckan"), ("solr", "/var/solr"), ("db", "/var/lib/postgresql/data")],
)
def test_state_lives_on_named_volumes(services, service, target):
    mounts = {str(v).split(":")[1]: str(v).split(":")[0] for v in services[service].get("volumes") or []}
    assert target in mounts, f"{service} must mount a volume at {target}"
    assert mounts[target] in named_volume_sources(services[service]), f"{service}:{target} is not a named volume"


def test_ckan_and_worker_share_the_storage_volume(services, dotenv):
    for name in CKAN_SERVICES:
        env = container_env(services[name], dotenv)
        mounts = {str(v).split(":")[1]: str(v).split(":")[0] for v in services[name].get("volumes") or []}
        assert env["CKAN_STORAGE_PATH"] in mounts, f"{name}: CKAN_STORAGE_PATH is not on a volume"
    assert services["ckan"]["volumes"] == services["worker"]["volumes"]


@pytest.mark.parametrize("service", CKAN_SERVICES)
def test_every_template_variable_reaches_the_ckan_containers(services, template_vars, service):
    missing = missing_template_variables(services[service], template_vars)
    assert not missing, f"{service} does not get {sorted(missing)} (needed by docker/ckan.ini.template)"


@pytest.mark.parametrize("service", CKAN_SERVICES)
def test_template_renders_with_the_container_environment(services, dotenv, service):
    """What render_ini.py does in the entrypoint, with the values compose would pass."""
    env = container_env(services[service], dotenv)
    rendered = string.Template(TEMPLATE.read_text()).substitute(env)  # KeyError = missing variable
    ini = configparser.ConfigParser(interpolation=None, strict=False)
    ini.read_string(rendered)
    app = ini["app:main"]
    for key in ("sqlalchemy.url", "ckan.datastore.write_url", "ckan.datastore.read_url"):
        url = urlsplit(app[key])
        assert url.scheme == "postgresql" and url.hostname == "db", f"{key} must point at the db service: {url}"
    solr = urlsplit(app["solr_url"])
    assert (solr.hostname, solr.port, solr.path) == ("solr", 8983, "/solr/ckan"), "solr_url must be core ckan on solr"
    assert urlsplit(app["ckan.redis.url"]).hostname == "redis"
    assert urlsplit(app["ckan.datastore.read_url"]).username != urlsplit(app["sqlalchemy.url"]).username, (
        "the DataStore read URL must use the read-only role"
    )
    assert urlsplit(app["ckan.datastore.write_url"]).path == urlsplit(app["ckan.datastore.read_url"]).path
    assert int(app["ckan.max_resource_size"]) > 0


def test_compose_interpolations_are_all_in_env_example(compose, dotenv):
    undefined = compose_references(compose) - set(dotenv)
    assert not undefined, f"docker-compose.yml interpolates {sorted(undefined)}, missing from .env.example"


def test_every_env_example_variable_is_used(compose, dotenv, template_vars):
    used = template_vars | compose_references(compose)
    unused = set(dotenv) - used
    assert not unused, f".env.example defines {sorted(unused)}, used by neither the ini template nor compose"


def test_env_example_holds_placeholders_not_secrets(dotenv):
    for key, value in dotenv.items():
        if any(word in key for word in SECRET_WORDS):
            assert value == PLACEHOLDER, f"{key} in .env.example must be the placeholder {PLACEHOLDER!r}"
    assert "change-me" in dotenv["CKAN_SITE_URL"], "the site URL must be set per install"


def test_env_example_is_documented():
    text = ENV_EXAMPLE.read_text()
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line and not line.startswith("#") and "=" in line:
            above = lines[i - 1] if i else ""
            assert above.startswith("#") or "=" in above, f".env.example: {line.split('=')[0]} has no comment"


def test_solr_is_the_official_ckan_solr9_image(services, dotenv):
    image = services["solr"].get("image", "")
    assert re.fullmatch(r"ckan/ckan-solr:2\.1[12]-solr9(\.\d+)?", image), f"not a CKAN Solr 9 image: {image!r}"
    assert urlsplit(container_env(services["ckan"], dotenv)["CKAN_SOLR_URL"]).path == "/solr/ckan"


def test_backing_service_images(services):
    assert re.fullmatch(r"postgres:15([.\-].*)?", services["db"]["image"])
    assert re.fullmatch(r"redis:7([.\-].*)?", services["redis"]["image"])


@pytest.mark.parametrize("service", REQUIRED_SERVICES)
def test_every_service_has_a_healthcheck(services, service):
    check = services[service].get("healthcheck") or {}
    assert not check.get("disable"), f"{service} healthcheck disabled"
    test = check.get("test")
    assert test and test != ["NONE"], f"{service} has no healthcheck"
    if isinstance(test, list):
        assert test[0] in ("CMD", "CMD-SHELL") and len(test) > 1


def test_ckan_healthcheck_uses_status_show(services):
    assert "/api/3/action/status_show" in json.dumps(services["ckan"]["healthcheck"]["test"])


@pytest.mark.parametrize("service", CKAN_SERVICES)
def test_ckan_containers_wait_for_healthy_backing_services(services, service):
    depends = services[service].get("depends_on")
    assert isinstance(depends, dict), f"{service}.depends_on must use the long form with conditions"
    for backing in ("db", "solr", "redis"):
        assert depends.get(backing, {}).get("condition") == "service_healthy", (
            f"{service} must wait for {backing} to be healthy"
        )
    for target in depends:
        assert services[target].get("healthcheck"), f"{service} waits on {target}, which has no healthcheck"


def test_worker_waits_for_the_migrating_web_container(services):
    assert services["worker"]["depends_on"]["ckan"]["condition"] == "service_healthy"


def test_only_the_ckan_service_migrates_the_database(services, dotenv):
    assert container_env(services["ckan"], dotenv).get("CKAN_INIT_DB") == "true"
    assert container_env(services["worker"], dotenv).get("CKAN_INIT_DB") != "true"


def test_database_roles_match_postgres_init(services, dotenv):
    init_text = "\n".join(p.read_text() for p in sorted(PG_INIT.iterdir()) if p.suffix in (".sh", ".sql"))
    assert init_text, "docker/postgres-init/ has no init scripts"
    db_mounts = [str(v) for v in services["db"].get("volumes") or []]
    assert any(v.startswith("./postgres-init:/docker-entrypoint-initdb.d") for v in db_mounts)
    env = container_env(services["ckan"], dotenv)
    for key in ("CKAN_SQLALCHEMY_URL", "CKAN_DATASTORE_WRITE_URL", "CKAN_DATASTORE_READ_URL"):
        url = urlsplit(env[key])
        assert re.search(rf"CREATE ROLE {url.username}\b", init_text), f"{key}: role {url.username} not created"
        assert re.search(rf"CREATE DATABASE {url.path.lstrip('/')}\b", init_text), f"{key}: database not created"
    db_env = service_environment(services["db"])
    for var in re.findall(r"\$\{?(PG_[A-Z_]+)", init_text):
        assert var in db_env, f"postgres-init reads {var}, which the db service does not get"
    for path in PG_INIT.glob("*.sh"):
        assert path.stat().st_mode & 0o111, f"{path.name} must be executable (the postgres image sources it otherwise)"


# ----------------------------------------------------------------------------------------------
# Dockerfile and entrypoint
# ----------------------------------------------------------------------------------------------
def _resolve_args(instructions: list[tuple[str, str]], value: str) -> str:
    defaults = {}
    for instr, args in instructions:
        if instr == "ARG" and "=" in args:
            key, _, default = args.partition("=")
            defaults[key] = default
    return re.sub(r"\$\{?(\w+)\}?", lambda m: defaults.get(m.group(1), m.group(0)), value)


def test_base_image_is_pinned_python_311_slim_bookworm(dockerfile):
    froms = [_resolve_args(dockerfile, args.split()[0]) for instr, args in dockerfile if instr == "FROM"]
    assert len(froms) >= 2, "expected a builder stage and a runtime stage"
    for image in froms:
        assert re.fullmatch(r"python:3\.11\.\d+-slim-bookworm(@sha256:[0-9a-f]{64})?", image), (
            f"base image must be a pinned python:3.11.N-slim-bookworm, got {image}"
        )


def test_dockerfile_installs_requirements_then_the_repo_non_editable(dockerfile):
    runs = [args for instr, args in dockerfile if instr == "RUN"]
    copies = [args for instr, args in dockerfile if instr == "COPY"]
    assert any(re.search(r"^requirements\.txt\s", c) for c in copies), "requirements.txt is not copied in"
    req = [i for i, r in enumerate(runs) if re.search(r"pip install\b.*-r\s+\S*requirements\.txt", r)]
    assert req, "no `pip install -r requirements.txt`"
    repo = [i for i, r in enumerate(runs) if re.search(r"pip install\s+(?!-)(/\S+|\.)(\s|$)", r)]
    assert repo, "the repository itself is not pip-installed"
    assert req[0] < repo[0], "requirements.txt must be installed before the repository"
    assert not any(re.search(r"pip install\b[^&]*\s(-e|--editable)\s", r) for r in runs), "install must not be editable"


def test_dockerfile_copies_only_paths_that_exist(dockerfile):
    for instr, args in dockerfile:
        if instr != "COPY" or "--from=" in args:
            continue
        words = [w for w in args.split() if not w.startswith("--")]
        for source in words[:-1]:
            assert (REPO / source).exists(), f"COPY source {source} does not exist in the build context"


def test_dockerfile_runtime_packages_user_volume_and_port(dockerfile):
    stage = final_stage(dockerfile)
    runs = " ".join(args for instr, args in stage if instr == "RUN")
    for package in ("libpq5", "libmagic1"):
        assert package in runs, f"runtime stage must install {package}"
    assert "build-essential" not in runs and "libpq-dev" not in runs, "compilers belong in the builder stage"
    created = re.search(r"useradd\b[^&]*--uid (\d+)[^&]*\sckan\b", runs)
    assert created and created.group(1) != "0", "the runtime stage must create the non-root user ckan"
    users = [args for instr, args in stage if instr == "USER"]
    assert users and users[-1].split(":")[0] in ("ckan", created.group(1)), "the image must run as ckan"
    volumes = " ".join(args for instr, args in stage if instr == "VOLUME")
    assert "/var/lib/ckan" in volumes
    assert any(instr == "EXPOSE" and "5000" in args for instr, args in stage)


def test_dockerfile_healthcheck_uses_status_show(dockerfile):
    checks = [args for instr, args in final_stage(dockerfile) if instr == "HEALTHCHECK"]
    assert checks, "no HEALTHCHECK"
    assert "/api/3/action/status_show" in checks[-1] and "5000" in checks[-1]


def test_dockerfile_cmd_serves_the_packaged_wsgi_module(dockerfile):
    stage = final_stage(dockerfile)
    cmds = [exec_form(args) for instr, args in stage if instr == "CMD"]
    assert cmds, "no CMD"
    cmd = cmds[-1]
    joined = " ".join(cmd)
    assert "gunicorn" in joined and "--bind 0.0.0.0:5000" in joined
    assert "${GUNICORN_WORKERS:-4}" in joined and cmd[:2] == ["sh", "-c"], "workers must come from GUNICORN_WORKERS"
    targets = wsgi_targets(cmd)
    assert targets == ["ckanext.westsuffolk.wsgi:application"], targets
    module, attribute = targets[0].split(":")
    path = module_file(module)
    assert path.is_file(), f"{module} is not in the package ({path})"
    assert module_defines(path, attribute), f"{module} does not define {attribute}"


def test_dockerfile_entrypoint_is_docker_entrypoint_sh(dockerfile):
    stage = final_stage(dockerfile)
    entry = [exec_form(args) for instr, args in stage if instr == "ENTRYPOINT"]
    assert entry, "no ENTRYPOINT"
    target = entry[-1][0]
    copied = [args.split() for instr, args in stage if instr == "COPY"]
    assert any(words[-1] == target and "docker/entrypoint.sh" in words for words in copied), (
        f"ENTRYPOINT {target} is not docker/entrypoint.sh copied into the image"
    )
    ckan_ini = re.search(r"CKAN_INI=(\S+)", " ".join(a for i, a in stage if i == "ENV"))
    assert ckan_ini, "the image must set CKAN_INI (wsgi.py reads it)"


def test_entrypoint_renders_the_ini_then_execs_the_command():
    text = ENTRYPOINT.read_text()
    assert ENTRYPOINT.stat().st_mode & 0o111, "entrypoint.sh must be executable"
    assert text.startswith("#!/bin/sh"), "the slim image has POSIX sh"
    render = text.find("scripts/render_ini.py")
    upgrade = text.find("db upgrade")
    perms = text.find("datastore set-permissions")
    assert -1 < render < upgrade < perms, "render the ini, then `ckan db upgrade`, then DataStore permissions"
    assert re.search(r'^exec "\$@"\s*$', text, re.M), 'the entrypoint must end by exec "$@"'


def test_image_paths_agree_with_compose(dockerfile, services):
    stage = final_stage(dockerfile)
    env_args = " ".join(args for instr, args in stage if instr == "ENV")
    image_ini = re.search(r"CKAN_INI=(\S+)", env_args).group(1)
    for name in CKAN_SERVICES:
        assert service_environment(services[name]).get("CKAN_INI", image_ini) == image_ini
    copies = " ".join(args for instr, args in stage if instr == "COPY")
    assert "scripts/render_ini.py /srv/app/scripts/render_ini.py" in copies
    assert "docker/ckan.ini.template /srv/app/docker/ckan.ini.template" in copies, (
        "render_ini.py looks for the template at ../docker/ckan.ini.template"
    )


# ----------------------------------------------------------------------------------------------
# The checks above must be able to fail: feed the helpers broken input.
# ----------------------------------------------------------------------------------------------
def test_checker_reports_a_template_variable_missing_from_a_service(template_vars):
    service = {"environment": {"CKAN_SITE_URL": "x"}}
    missing = missing_template_variables(service, template_vars)
    assert "CKAN_SOLR_URL" in missing and "CKAN_SITE_URL" not in missing


def test_checker_rejects_an_unescaped_shell_variable_in_compose():
    assert compose_references({"command": ["sh", "-c", "ckan -c $CKAN_INI jobs worker"]}) == {"CKAN_INI"}
    assert compose_references({"command": ["sh", "-c", "ckan -c $$CKAN_INI jobs worker"]}) == set()
    assert compose_references(yaml.safe_load("# $EDITOR in a comment\nx: ${A:-1} $B\n")) == {"A", "B"}


def test_interpolation_fails_on_a_missing_required_variable():
    assert interpolate("a${X:-d}b$$c", {}) == "ad" + "b$c"
    with pytest.raises(KeyError):
        interpolate("${PG_CKAN_PASSWORD:?set it}", {})


def test_wsgi_target_detection_and_module_lookup():
    assert wsgi_targets(["sh", "-c", "exec gunicorn -w 2 pkg.mod:app"]) == ["pkg.mod:app"]
    assert not module_file("ckanext.westsuffolk.no_such_wsgi").is_file()
    with pytest.raises(AssertionError):
        module_file("ckan.config.middleware")


def test_port_and_volume_parsing():
    assert published_container_ports({"ports": ["127.0.0.1:5000:5000", "8080:80/tcp", {"target": 443}]}) == {
        5000, 80, 443,
    }
    assert named_volume_sources({"volumes": ["data:/x", "./init:/y:ro", "/abs:/z"]}) == {"data"}
