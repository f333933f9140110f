"""Attachments on the web: a streaming multipart reader and the download response."""

from .download import attachment_response, content_disposition
from .upload import (
    BodyTooLarge,
    UploadedForm,
    UploadLimits,
    read_upload,
    receive_attachments,
)

__all__ = ["BodyTooLarge", "UploadLimits", "UploadedForm", "attachment_response",
           "content_disposition", "read_upload", "receive_attachments"]
