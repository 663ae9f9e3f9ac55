"""Upload size limits applied while the request streams in, before any view reads a file.

Django hands each file to its upload handlers in 64 KB chunks. This handler, first in FILE_UPLOAD_HANDLERS,
passes on at most MAX_FILE_BYTES + 1 bytes of each file to the handlers that keep it (memory below 2.5 MB,
a temporary file above) and drops the rest as it arrives. The extra byte is what makes the pipeline's own
size check refuse the file with the usual plain message, on every upload path (documents, the application,
innsyn's tasks, the case systems' letters, the manual inbox), whatever the view does with the file.

The rest of the body is still read (and dropped), not cut off: a browser whose upload is cut off shows a
connection error instead of our message. The web server in front bounds how much that can be.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler


class FileSizeLimitHandler(FileUploadHandler):
    def new_file(self, *args: object, **kwargs: object) -> None:
        super().new_file(*args, **kwargs)  # type: ignore[arg-type]
        self.passed_on = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        room = settings.DOCUMENTS["MAX_FILE_BYTES"] + 1 - self.passed_on
        if room <= 0:
            return None  # dropped: the later handlers never see it
        chunk = raw_data[:room]
        self.passed_on += len(chunk)
        return chunk

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler builds the file from what was passed on
