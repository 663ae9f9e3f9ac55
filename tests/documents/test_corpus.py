"""The test corpus gives the same bytes for the same call, so a test may compare a file it sent with a
fresh copy. qpdf's default /ID comes from the clock; CI once failed on two copies made a second apart."""

import time

from . import corpus


def test_the_same_pdf_is_the_same_bytes_a_second_later():
    first = corpus.pdf()
    time.sleep(1.05)
    assert corpus.pdf() == first
