"""A deterministic corpus of realistic Dockerfiles with build contexts, for the benchmark.

Every Dockerfile lives in its own directory (its build context) with a requirements
file and a few Python modules, so portlint does its real cross-file work.  The same
seed always gives the same files.
"""

from __future__ import annotations

import random
from pathlib import Path

PY_IMAGES = ["python:3.12.7-slim", "python:3.11-slim-bookworm", "python:3.12-alpine3.20", "python:3.10.15", "python:latest"]
PACKAGES = ["numpy==2.1.3", "pandas==2.2.3", "scikit-learn==1.5.2", "flask==3.0.3", "requests>=2.31", "fastapi==0.115.2",
            "uvicorn==0.32.0", "boto3==1.35.44", "pyyaml==6.0.2", "sqlalchemy>=2", "celery==5.4.0", "redis==5.2.0",
            "torch==2.5.1", "transformers==4.46.0", "pillow==11.0.0", "opencv-python-headless==4.10.0.84"]
IMPORTS = ["numpy", "pandas", "sklearn.linear_model", "flask", "requests", "fastapi", "boto3", "yaml", "sqlalchemy",
           "celery", "redis", "torch", "transformers", "PIL", "cv2", "json", "os", "logging", "pathlib"]
APT = ["curl", "ca-certificates", "git", "build-essential", "libpq-dev", "libgl1", "libglib2.0-0", "gcc", "g++",
       "make", "pkg-config", "unzip", "wget", "gnupg", "tini", "locales", "tzdata", "openssh-client", "jq", "less"]


def _python_service(rng: random.Random, long: bool) -> str:
    image = rng.choice(PY_IMAGES)
    apt = rng.sample(APT, rng.randint(3, 18 if long else 6))
    lines = [
        "# syntax=docker/dockerfile:1",
        f"ARG BASE={image}",
        "FROM ${BASE} AS base",
        "ENV PYTHONDONTWRITEBYTECODE=1 \\",
        "    PYTHONUNBUFFERED=1 \\",
        "    PIP_NO_CACHE_DIR=1",
        "WORKDIR /app",
        "RUN apt-get update \\",
        *[f"    && apt-get install -y --no-install-recommends {p} \\" for p in apt],
        "    && rm -rf /var/lib/apt/lists/*",
        "COPY requirements.txt .",
        "RUN pip install -r requirements.txt",
    ]
    if rng.random() < 0.5:
        lines += [
            "",
            "FROM base AS test",
            "COPY requirements-dev.txt .",
            "RUN pip install -r requirements-dev.txt",
            "COPY . .",
            "RUN python -m pytest -q",
            "",
            "FROM base AS final",
        ]
    lines += [
        "RUN useradd --create-home appuser",
        "COPY --chown=appuser:appuser app/ ./app/",
        "COPY main.py .",
        "USER appuser",
        "EXPOSE 8000",
        'HEALTHCHECK --interval=30s CMD curl -fsS http://localhost:8000/health || exit 1',
        'CMD ["python", "main.py"]',
    ]
    if long:
        lines[7:7] = [f"LABEL org.example.layer{n}=\"value {n}\"" for n in range(rng.randint(10, 30))]
    return "\n".join(lines) + "\n"


def _go_service(rng: random.Random) -> str:
    return "\n".join([
        "ARG GO_VERSION=1.23.4",
        "FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-bookworm AS build",
        "ARG TARGETOS TARGETARCH",
        "WORKDIR /src",
        "COPY go.mod go.sum ./",
        "RUN --mount=type=cache,target=/go/pkg/mod go mod download",
        "COPY . .",
        "RUN --mount=type=cache,target=/root/.cache/go-build \\",
        "    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -o /out/app ./cmd/app",
        "FROM gcr.io/distroless/static-debian12:nonroot",
        "COPY --from=build /out/app /app",
        "USER nonroot:nonroot",
        'ENTRYPOINT ["/app"]',
    ]) + "\n"


def _conda(rng: random.Random) -> str:
    arch = rng.choice(["x86_64", "$(uname -m)"])
    return "\n".join([
        "FROM debian:12-slim",
        "RUN apt-get update && apt-get install -y curl bzip2 && rm -rf /var/lib/apt/lists/*",
        f"RUN curl -fsSLo /tmp/m.sh https://repo.anaconda.com/miniconda/Miniconda3-latest-Linux-{arch}.sh \\",
        "    && bash /tmp/m.sh -b -p /opt/conda && rm /tmp/m.sh",
        "ENV PATH=/opt/conda/bin:$PATH",
        "COPY environment.yml /tmp/environment.yml",
        "RUN conda env update -n base -f /tmp/environment.yml && conda clean -afy",
        "COPY main.py /app/main.py",
        "WORKDIR /app",
        'CMD ["python", "main.py"]',
    ]) + "\n"


def _module(rng: random.Random, n_imports: int) -> str:
    imports = rng.sample(IMPORTS, n_imports)
    body = [f"import {name}" for name in imports]
    body += ["", "", "def handler(event):", "    return {'ok': True, 'n': len(event)}", ""]
    return "\n".join(body)


def write_context(root: Path, rng: random.Random, python_files: int = 3) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    kind = rng.random()
    if kind < 0.7:
        (root / "Dockerfile").write_text(_python_service(rng, long=rng.random() < 0.3))
    elif kind < 0.85:
        (root / "Dockerfile").write_text(_go_service(rng))
        (root / "go.mod").write_text("module example.com/app\n")
        (root / "go.sum").write_text("")
    else:
        (root / "Dockerfile").write_text(_conda(rng))
        (root / "environment.yml").write_text("dependencies:\n  - numpy=1.26.4\n  - pandas\n  - pip:\n      - requests==2.32.3\n")
    (root / "requirements.txt").write_text("\n".join(rng.sample(PACKAGES, rng.randint(3, 8))) + "\n")
    (root / "requirements-dev.txt").write_text("-r requirements.txt\npytest==8.3.3\n")
    (root / "main.py").write_text("from app import core\n" + _module(rng, 4))
    app = root / "app"
    app.mkdir(exist_ok=True)
    (app / "__init__.py").write_text("")
    for index in range(max(1, python_files)):
        name = "core" if index == 0 else f"mod{index}"
        (app / f"{name}.py").write_text(_module(rng, rng.randint(1, 5)))
    return root / "Dockerfile"


def build_corpus(directory: Path, count: int, seed: int = 20261123) -> list[Path]:
    rng = random.Random(seed)
    return [write_context(directory / f"svc{index:05d}", rng) for index in range(count)]


def build_big_context(directory: Path, python_files: int = 2000, seed: int = 7) -> Path:
    rng = random.Random(seed)
    dockerfile = write_context(directory, rng, python_files=1)
    (directory / "Dockerfile").write_text(
        "FROM python:3.12.7-slim\nWORKDIR /srv\nCOPY requirements.txt .\n"
        "RUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nCMD [\"python\", \"main.py\"]\n"
    )
    pkg = directory / "app"
    for index in range(python_files):
        sub = pkg / f"pkg{index // 100}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / "__init__.py").touch()
        (sub / f"m{index}.py").write_text(_module(rng, rng.randint(2, 6)) + f"\nfrom app.pkg{index // 100} import m{max(0, index - 1)}\n" * (index % 100 != 0))
    return dockerfile
