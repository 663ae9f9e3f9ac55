"""Image uploads (JPEG, PNG): refused above the pixel limit before decoding, scaled to A4, turned upright,
stripped of metadata and wrapped in a PDF."""

import io

import img2pdf
from django.conf import settings
from PIL import Image

from .conversion import Converted, Refused

A4 = (img2pdf.mm_to_pt(210), img2pdf.mm_to_pt(297))


def check_pixels_before_decoding(data: bytes) -> None:
    try:
        with Image.open(io.BytesIO(data)) as image:  # reads the header only
            _check_pixels(image)
    except Image.DecompressionBombError as error:
        raise Refused("bomb", str(error)) from error
    except (OSError, SyntaxError, ValueError) as error:
        raise Refused("unsupported_type", f"image does not open: {error}") from error


# Scaling an image with transparency makes a second full-size copy (Pillow premultiplies the alpha), so such
# an image costs twice its pixels against the limit.
ALPHA_MODES = frozenset({"RGBA", "LA", "PA", "RGBa", "La"})


def _check_pixels(image: Image.Image) -> None:
    """Refuse before decoding: a few hundred kilobytes of PNG can decode to gigabytes.

    Pillow holds every decoded pixel in 4 bytes (1 for greyscale and palette), so MAX_IMAGE_PIXELS bounds the
    memory one upload can take while it is scaled down.
    """
    if _pixel_cost(image) > settings.DOCUMENTS["MAX_IMAGE_PIXELS"]:
        raise Refused("bomb", f"{image.width}x{image.height} pixels, mode {image.mode}")


def _pixel_cost(image: Image.Image) -> int:
    return image.width * image.height * (2 if image.mode in ALPHA_MODES else 1)


def image_to_pdf(data: bytes) -> Converted:
    side = settings.DOCUMENTS["MAX_IMAGE_SIDE"]
    try:
        with Image.open(io.BytesIO(data)) as image:
            _check_pixels(image)
            # JPEG decodes straight at 1/2, 1/4 or 1/8 scale when that still covers the page.
            image.draft("RGB", _fitted(image.size, side))
            orientation = image.getexif().get(EXIF_ORIENTATION, 1)
            small = _scale_down(image, side)
            # Turned upright only once small: turning the full-size image would copy every pixel again.
            flat = _flatten(_turn_upright(small, orientation))
            # Re-encoding without `exif=` drops all metadata, GPS position included.
            jpeg = io.BytesIO()
            flat.save(jpeg, format="JPEG", quality=85, optimize=False)
    except Refused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise Refused("bomb", str(error)) from error
    except (OSError, SyntaxError, ValueError) as error:
        raise Refused("unsupported_type", f"image does not open: {error}") from error
    layout = img2pdf.get_layout_fun(A4, fit=img2pdf.FitMode.into)
    pdf = img2pdf.convert(jpeg.getvalue(), layout_fun=layout, nodate=True)
    return Converted(pdf=pdf, page_count=1)


EXIF_ORIENTATION = 0x0112
# EXIF orientation → the turn that makes the image upright (as Pillow's ImageOps.exif_transpose).
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _fitted(size: tuple[int, int], side: int) -> tuple[int, int]:
    """The size that fits `size` into a `side` × `side` square, keeping its proportions."""
    width, height = size
    scale = min(1.0, side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _scale_down(image: Image.Image, side: int) -> Image.Image:
    """Fit into `side` × `side` with at most one full-size copy of the pixels in memory.

    A fine resize of a full-size image holds the image, a pass of (new width × old height) and the result
    at once. A large image is therefore first box-reduced by a whole factor (a quarter of the pixels or
    fewer) and its full-size pixels freed, and only that smaller image gets the fine resize.
    """
    image.load()
    factor = max(image.size) // side
    large = _pixel_cost(image) > settings.DOCUMENTS["MAX_IMAGE_PIXELS"] // 2
    if factor < 2 and large:
        factor = 2
    if factor < 2 or image.mode in ("1", "P", "I;16", "I;16B", "I;16L"):
        # Palette and bilevel images scale by nearest neighbour, which needs no intermediate pass; 16-bit
        # greyscale cannot be box-reduced but takes only 2 bytes a pixel.
        image.thumbnail((side, side), reducing_gap=None)
        return image
    small = image.reduce(factor)
    image.close()  # frees the full-size pixels now rather than when the caller's `with` ends
    small.thumbnail((side, side), reducing_gap=None)
    return small


def _turn_upright(image: Image.Image, orientation: int) -> Image.Image:
    turn = _UPRIGHT.get(orientation)
    return image.transpose(turn) if turn is not None else image


def _flatten(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "P"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB") if image.mode != "RGB" else image
