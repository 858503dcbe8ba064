# The action's image. GitHub's runner builds it on every job that uses the action
# (unless the workflow points at the published image), so it is kept small and quick.
#
# The base is pinned by digest so every build is the same. To bump it:
#   docker buildx imagetools inspect python:3.12-slim   # take the "Digest:" line
# and replace the digest below. The base is a build argument so that a machine without
# registry access can build against a local stand-in of the same image.
ARG BASE_IMAGE=python:3.12-slim@sha256:78387bc3881b8273120a12ebe6c1ab22b018ccc2c9adf565ae1ac9b536e184ea

FROM ${BASE_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PIP_ROOT_USER_ACTION=ignore
COPY requirements-image.lock /tmp/requirements-image.lock
# Hash-checked and --no-deps: exactly the pins in the lock, nothing resolved at build time.
RUN python -m venv /opt/venv \
 && /opt/venv/bin/pip install --require-hashes --no-deps -r /tmp/requirements-image.lock \
 && /opt/venv/bin/pip uninstall --yes --quiet pip setuptools \
 && rm -rf /opt/venv/lib/python3*/site-packages/tests
COPY entrypoint.py /action/entrypoint.py
COPY src/ /action/src/
# Compile now: the container starts fresh for every run, and compiling at start-up
# would cost every failing deploy a few hundred milliseconds.
RUN /opt/venv/bin/python -m compileall -q /opt/venv /action

FROM ${BASE_IMAGE}
COPY --from=build /opt/venv /opt/venv
COPY --from=build /action /action
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
# The image runs as root on purpose. The runner mounts /github/file_commands (outputs,
# job summary) and /github/workspace owned by its own user, and an action that switches
# to another user can no longer write its outputs.
# Absolute paths only: the runner sets the working directory to /github/workspace.
ENTRYPOINT ["/opt/venv/bin/python", "/action/entrypoint.py"]
