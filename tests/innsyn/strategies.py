"""Hypothesis strategies for schema-valid digisos-soker.json documents (every event type, optional fields)."""

from datetime import UTC, date, datetime, timedelta

from hypothesis import strategies as st

from digisos.soker import builders
from digisos.soker import constants as soker

BASE = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
REFS = st.sampled_from(["sak-1", "sak-2", "default"])
PAYMENT_REFS = st.sampled_from(["utb-1", "utb-2", "utb-3"])
TEXT = st.text(alphabet="abcæøå ABC123-", max_size=12)


def timestamp(minutes: int) -> str:
    return builders.tidspunkt(BASE + timedelta(minutes=minutes))


def day(offset: int) -> str:
    return str(date(2026, 11, 1) + timedelta(days=offset))


FILE = st.builds(
    lambda n: builders.dokumentlager(f"00000000-0000-4000-8000-{n:012d}"), st.integers(0, 30)
) | st.builds(
    lambda n, nr: builders.svarut(f"10000000-0000-4000-8000-{n:012d}", nr),
    st.integers(0, 5),
    st.integers(1, 3),
)


def optional(**fields):
    """A dict strategy where every field may be missing."""
    return st.fixed_dictionaries({}, optional=fields)


def requirement(reference: str, references: list[str], statuses, **more):
    """A vilkår or a dokumentasjonkrav: the same fields but the reference's name (and a deadline)."""
    return st.tuples(
        st.fixed_dictionaries({reference: st.sampled_from(references)}),
        optional(
            saksreferanse=REFS,
            utbetalingsreferanse=st.lists(PAYMENT_REFS, max_size=2),
            tittel=TEXT,
            beskrivelse=TEXT,
            status=st.sampled_from(statuses),
            **more,
        ),
    )


EVENT_BODIES = {
    soker.EventType.SOKNADS_STATUS: st.fixed_dictionaries(
        {"status": st.sampled_from(list(soker.SoknadsStatus))}
    ),
    soker.EventType.TILDELT_NAV_KONTOR: st.fixed_dictionaries(
        {"navKontor": st.sampled_from(["1201", "1202", "0315"])}
    ),
    soker.EventType.SAKS_STATUS: st.tuples(
        st.fixed_dictionaries({"referanse": REFS}),
        optional(
            tittel=TEXT,
            status=st.sampled_from(list(soker.SaksStatus)),
        ),
    ),
    soker.EventType.VEDTAK_FATTET: st.tuples(
        st.fixed_dictionaries(
            {"saksreferanse": REFS, "vedtaksfil": st.fixed_dictionaries({"referanse": FILE})}
        ),
        optional(
            utfall=st.sampled_from(list(soker.Utfall)),
            vedlegg=st.lists(st.fixed_dictionaries({"tittel": TEXT, "referanse": FILE}), max_size=2),
        ),
    ),
    soker.EventType.DOKUMENTASJON_ETTERSPURT: st.tuples(
        st.fixed_dictionaries(
            {
                "dokumenter": st.lists(
                    st.tuples(
                        st.fixed_dictionaries(
                            {
                                "dokumenttype": TEXT,
                                "innsendelsesfrist": st.integers(0, 60 * 24 * 30).map(timestamp),
                            }
                        ),
                        optional(tilleggsinformasjon=TEXT, dokumentreferanse=TEXT),
                    ).map(lambda p: {**p[0], **p[1]}),
                    max_size=3,
                )
            }
        ),
        optional(forvaltningsbrev=st.fixed_dictionaries({"referanse": FILE})),
    ),
    soker.EventType.FORELOPIG_SVAR: st.fixed_dictionaries(
        {"forvaltningsbrev": st.fixed_dictionaries({"referanse": FILE})}
    ),
    soker.EventType.UTBETALING: st.tuples(
        st.fixed_dictionaries({"utbetalingsreferanse": PAYMENT_REFS}),
        optional(
            saksreferanse=REFS,
            status=st.sampled_from(list(soker.UtbetalingStatus)),
            belop=st.integers(0, 50_000) | st.floats(0, 50_000, allow_nan=False),
            beskrivelse=TEXT,
            forfallsdato=st.integers(0, 60).map(day),
            utbetalingsdato=st.integers(0, 60).map(day),
            fom=st.integers(0, 60).map(day),
            tom=st.integers(0, 60).map(day),
            annenMottaker=st.booleans(),
            mottaker=TEXT,
            kontonummer=st.just("12345678903"),
            utbetalingsmetode=TEXT,
        ),
    ),
    soker.EventType.VILKAR: requirement("vilkarreferanse", ["v-1", "v-2"], soker.VILKAR_STATUSES),
    soker.EventType.DOKUMENTASJONKRAV: requirement(
        "dokumentasjonkravreferanse",
        ["k-1", "k-2"],
        list(soker.KravStatus),
        frist=st.integers(0, 60 * 24 * 30).map(timestamp),
    ),
    soker.EventType.RAMMEVEDTAK: st.tuples(
        st.fixed_dictionaries({"rammevedtaksreferanse": st.just("r-1")}),
        optional(
            saksreferanse=REFS, beskrivelse=TEXT, belop=st.integers(0, 9999), fom=st.integers(0, 9).map(day)
        ),
    ),
}


def _merge(body):
    return {**body[0], **body[1]} if isinstance(body, tuple) else body


MINUTES = st.integers(0, 6)  # few distinct minutes, so equal timestamps are common


@st.composite
def events(draw):
    kind = draw(st.sampled_from(sorted(EVENT_BODIES)))
    body = _merge(draw(EVENT_BODIES[kind]))
    return builders.event(kind, at=timestamp(draw(MINUTES)), **body)


@st.composite
def documents(draw, max_events: int = 25):
    received = builders.soknads_status(soker.SoknadsStatus.MOTTATT, at=timestamp(0))
    rest = draw(st.lists(events(), max_size=max_events))
    return builders.document(received, *rest, avsender={"systemnavn": "prop", "systemversjon": "1"})
