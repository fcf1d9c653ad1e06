"""The only door to a portal: ckanapi.RemoteCKAN with retries, clear errors and a count of writes."""
from __future__ import annotations

import io
import logging
from collections.abc import Callable

import requests
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from .problems import RunStopped
from .settings import REQUEST_TIMEOUT_SECONDS, RETRY_ATTEMPTS

log = logging.getLogger(__name__)
USER_AGENT = "westsuffolk-publish/1.0"
AUTH_STATUSES = (401, 403)


class PortalUnavailable(Exception):
    """Connection refused, timeout or a 5xx answer: worth trying again."""


class PortalRefused(Exception):
    """The portal answered but would not do it (validation error, conflict)."""

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message)
        self.errors = errors or {}


class NotOnPortal(Exception):
    """package_show and friends: no such thing."""


class AuthFailed(RunStopped):
    pass


class PortalDown(RunStopped):
    """Still unavailable after every retry: no other asset would fare better."""


class Portal:
    """Read and write calls; writes are counted so a no-op run can prove it wrote nothing."""

    def __init__(self, url: str, token: str | None, *, attempts: int = RETRY_ATTEMPTS,
                 timeout: float = REQUEST_TIMEOUT_SECONDS, wait_multiplier: float = 0.5):
        import ckanapi  # lazily: it imports CKAN's own errors when CKAN is installed

        self._ckanapi = ckanapi
        self.url = url.rstrip("/")
        self.session = requests.Session()
        self.session.hooks["response"].append(self._remember_status)
        self._ckan = ckanapi.RemoteCKAN(self.url, apikey=token, user_agent=USER_AGENT, session=self.session)
        self._last_status: int | None = None
        self.timeout = timeout
        self.retrying = Retrying(
            retry=retry_if_exception_type(PortalUnavailable), stop=stop_after_attempt(attempts),
            wait=wait_exponential(multiplier=wait_multiplier, max=30), reraise=True,
            before_sleep=lambda state: log.warning("Portal unavailable, trying again: %s", state.outcome.exception()),
        )
        self.writes = 0

    def _remember_status(self, response, *args, **kwargs):
        self._last_status = response.status_code

    def read(self, action: str, **data):
        return self._call(action, data)

    def write(self, action: str, upload: tuple[str, bytes, Callable[[], None] | None] | None = None, **data):
        """upload = (file name, bytes, optional hook run while the body is read) for resource uploads."""
        self.writes += 1
        return self._call(action, data, upload)

    def _call(self, action, data, upload=None):
        try:
            for attempt in self.retrying:
                with attempt:
                    files = {"upload": (upload[0], _HookedReader(upload[1], upload[2]))} if upload else None
                    return self._once(action, data, files)
        except PortalUnavailable as error:
            raise PortalDown(f"The portal at {self.url} is not answering ({error}), even after "
                             f"{self.retrying.stop.max_attempt_number} tries. Nothing half-published is "
                             "public; run again when the portal is back.") from error

    def _once(self, action, data, files):
        api = self._ckanapi
        self._last_status = None
        try:
            return self._ckan.call_action(action, data, files=files, requests_kwargs={"timeout": self.timeout})
        except (requests.ConnectionError, requests.Timeout) as error:
            raise PortalUnavailable(f"{action}: {error.__class__.__name__}") from error
        except api.NotAuthorized as error:
            raise AuthFailed(self._auth_message(action)) from error
        except api.NotFound as error:
            raise NotOnPortal(str(error)) from error
        except api.ValidationError as error:
            errors = getattr(error, "error_dict", None) or (error.args[0] if error.args else {})
            raise PortalRefused(f"The portal refused {action}: {_flatten(errors)}", errors) from error
        except api.CKANAPIError as error:
            status = self._last_status
            if status in AUTH_STATUSES:
                raise AuthFailed(self._auth_message(action)) from error
            if status is None or status >= 500:
                raise PortalUnavailable(f"{action}: HTTP {status}") from error
            raise PortalRefused(f"The portal refused {action} (HTTP {status}).") from error

    def _auth_message(self, action: str) -> str:
        return (f"The portal at {self.url} refused our API token ({action}). Check that "
                "WESTSUFFOLK_API_TOKEN (or --token) holds a current token of a sysadmin or of an "
                "editor of the organisations. Nothing more was attempted.")


class _HookedReader(io.BytesIO):
    """The upload body; runs a hook on the first read (the crash tests kill the process mid-upload)."""

    def __init__(self, data: bytes, hook: Callable[[], None] | None):
        super().__init__(data)
        self._hook = hook

    def read(self, *args):
        if self._hook:
            hook, self._hook = self._hook, None
            hook()
        return super().read(*args)


def _flatten(errors) -> str:
    """The portal's error dict as text: "field: message"; a list of lines (an upload's problems) one per line."""
    if isinstance(errors, dict):
        return "; ".join(f"{key}: {_flatten(value)}" for key, value in errors.items() if not key.startswith("__"))
    if isinstance(errors, list):
        lines = [_flatten(item) for item in errors]
        return lines[0] + "".join(f"\n  • {line}" for line in lines[1:]) if lines else ""
    return str(errors)
