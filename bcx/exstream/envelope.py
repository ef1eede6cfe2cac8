"""Decoding Orchestration replies (pure): the on-demand envelope, a bare PDF, jobs and batch submissions.

Parsers are tolerant where deployments were seen to differ (``data`` as object or array, dates as epoch
milliseconds or ISO strings) and strict where a wrong guess would lose a document (base64, ``status``).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from bcx.exstream.classify import trace_id_from
from bcx.exstream.errors import (
    ExstreamRequestError,
    ExstreamUnavailableError,
    InvalidResponseError,
)
from bcx.exstream.models import (
    BatchSubmission,
    GeneratedDocument,
    GenerationResult,
    JobStatus,
    job_state,
)

_EXTENSIONS = {
    "application/pdf": "pdf",
    "text/html": "html",
    "application/json": "json",
    "text/plain": "txt",
    "application/vnd.exstream-empower": "empower",
}
_FILENAME = re.compile(r"""filename\*?=(?:UTF-8'')?"?([^";]+)"?""", re.IGNORECASE)


def parse_json(content: bytes, what: str) -> Any:
    try:
        return json.loads(content)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidResponseError(f"{what}: reply is not valid JSON") from exc


def _mime(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _default_name(index: int, mime_type: str) -> str:
    return f"output-{index + 1}.{_EXTENSIONS.get(mime_type, 'bin')}"


def decode_generate_response(
    content_type: str, content: bytes, headers: Mapping[str, str]
) -> GenerationResult:
    """A successful ``/generate`` (or named on-demand input) reply as a :class:`GenerationResult`."""
    mime = _mime(content_type)
    if mime and mime != "application/json" and not mime.endswith("+json"):
        if not content:
            raise InvalidResponseError("generate: empty document body")
        match = _FILENAME.search(headers.get("content-disposition", ""))
        name = match.group(1) if match else _default_name(0, mime)
        return GenerationResult(
            documents=(GeneratedDocument(content=content, mime_type=mime, name=name),),
            trace_id=trace_id_from(headers),
        )
    body = parse_json(content, "generate")
    if not isinstance(body, dict):
        raise InvalidResponseError("generate: reply is not a JSON object")
    trace_id = trace_id_from(headers, body)
    if isinstance(body.get("documentId"), str) and "data" not in body:
        return GenerationResult(documents=(), trace_id=trace_id, interactive_document_id=body["documentId"])
    status = body.get("status")
    if status != "success":
        raise _envelope_error(body, trace_id)
    data = body.get("data")
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not data:
        raise InvalidResponseError("generate: reply has no outputs", trace_id=trace_id)
    documents = tuple(_decode_output(i, item, trace_id) for i, item in enumerate(data))
    job_id = body.get("jobId")
    details = body.get("details")
    return GenerationResult(
        documents=documents,
        job_id=job_id if isinstance(job_id, str) else None,
        trace_id=trace_id,
        details=details if isinstance(details, str) else None,
    )


def _decode_output(index: int, item: Any, trace_id: str | None) -> GeneratedDocument:
    if not isinstance(item, dict) or not isinstance(item.get("content"), str):
        raise InvalidResponseError(f"generate: output {index} has no content", trace_id=trace_id)
    try:
        content = base64.b64decode(item["content"], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidResponseError(
            f"generate: output {index} is not valid base64", trace_id=trace_id
        ) from exc
    mime = item.get("mimeType")
    mime = _mime(mime) if isinstance(mime, str) and mime else "application/octet-stream"
    context = item.get("engineOutputContext")
    context = context if isinstance(context, dict) else {}
    file_name = context.get("fileName")
    queue = context.get("queueName")
    customer = context.get("customerNumber")
    return GeneratedDocument(
        content=content,
        mime_type=mime,
        name=file_name if isinstance(file_name, str) and file_name else _default_name(index, mime),
        queue_name=queue if isinstance(queue, str) else None,
        customer_number=customer if isinstance(customer, str) else None,
    )


def _envelope_error(body: dict[str, Any], trace_id: str | None) -> Exception:
    """A 200 carrying ``status: error`` (Orchestration's OrchestrationErrorData form)."""
    status = body.get("status")
    if not isinstance(status, str):
        return InvalidResponseError("generate: reply has no status", trace_id=trace_id)
    data = body.get("data")
    first = data[0] if isinstance(data, list) and data and isinstance(data[0], dict) else {}
    message = first.get("errorMessage") or body.get("details") or body.get("message") or status
    code = first.get("statusCode")
    code = int(code) if isinstance(code, int | str) and str(code).isdigit() else None
    text = f"generate: Exstream reported {status}: {str(message)[:200]}"
    if code is not None and code >= 500:
        return ExstreamUnavailableError(text, status_code=code, trace_id=trace_id)
    return ExstreamRequestError(text, status_code=code, trace_id=trace_id)


def parse_timestamp(value: Any) -> datetime | None:
    """Epoch milliseconds (observed) or an ISO-8601 string (the OAS json's ``date-time``)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    if isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def _opt_str(obj: Mapping[str, Any], key: str) -> str | None:
    value = obj.get(key)
    return value if isinstance(value, str) else None


def parse_job(obj: Any) -> JobStatus:
    """A ``Job`` object (the ``data`` of DataResponseJob)."""
    if isinstance(obj, list):  # seen in the wild: data as a one-element array
        obj = obj[0] if obj else None
    if not isinstance(obj, dict) or not isinstance(obj.get("id"), str):
        raise InvalidResponseError("job: reply has no job id")
    status = obj.get("status")
    if not isinstance(status, str):
        raise InvalidResponseError("job: reply has no status")
    return JobStatus(
        id=obj["id"],
        status=status,
        state=job_state(status),
        mode=_opt_str(obj, "mode"),
        channel=_opt_str(obj, "channel"),
        external_id=_opt_str(obj, "externalId"),
        message=_opt_str(obj, "msg"),
        trace_id=_opt_str(obj, "traceId"),
        start_date=parse_timestamp(obj.get("startDate")),
        end_date=parse_timestamp(obj.get("endDate")),
    )


def parse_job_response(body: Any) -> JobStatus:
    if not isinstance(body, dict):
        raise InvalidResponseError("job: reply is not a JSON object")
    return parse_job(body.get("data"))


def parse_job_page(body: Any) -> list[JobStatus]:
    """A PageResponseJob (``GET runtime/{domain}/jobs``)."""
    if not isinstance(body, dict):
        raise InvalidResponseError("jobs: reply is not a JSON object")
    data = body.get("data")
    if data is None:
        return []
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise InvalidResponseError("jobs: data is not a list")
    return [parse_job(item) for item in data]


def parse_batch_submission(body: Any, headers: Mapping[str, str]) -> BatchSubmission:
    """The 201 reply of a batch input: ``{status, data: [FlowInstance…]}`` (observed form)."""
    if not isinstance(body, dict):
        raise InvalidResponseError("batch: reply is not a JSON object")
    trace_id = trace_id_from(headers, body)
    data = body.get("data")
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not data or not all(isinstance(i, dict) for i in data):
        raise InvalidResponseError("batch: reply has no flow instances", trace_id=trace_id)
    job_ids = {i.get("jobId") for i in data}
    if len(job_ids) != 1 or not isinstance(next(iter(job_ids)), str):
        raise InvalidResponseError("batch: reply has no single job id", trace_id=trace_id)
    first_status = data[0].get("status")
    return BatchSubmission(
        job_id=str(next(iter(job_ids))),
        status=first_status if isinstance(first_status, str) else "started",
        flow_instance_ids=tuple(str(i["id"]) for i in data if isinstance(i.get("id"), str)),
        trace_id=trace_id,
    )


def parse_id_list(body: Any, what: str, key: str = "id") -> list[str]:
    """Ids from a page of objects (flow instances, flow steps)."""
    if not isinstance(body, dict) or not isinstance(body.get("data", []), list):
        raise InvalidResponseError(f"{what}: reply is not a page")
    return [str(i[key]) for i in body.get("data", []) if isinstance(i, dict) and key in i]


def parse_string_page(body: Any, what: str) -> list[str]:
    """A PageResponseString (``delivery-file/output-files``)."""
    if not isinstance(body, dict) or not isinstance(body.get("data", []), list):
        raise InvalidResponseError(f"{what}: reply is not a page")
    return [str(i) for i in body.get("data", []) if isinstance(i, str)]
