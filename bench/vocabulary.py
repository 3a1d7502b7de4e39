"""A seeded generator of social-care procedure text for the search benchmark.

Words are drawn with a Zipf-like distribution (a few words such as "child" are in almost every
procedure, most are uncommon), and each procedure gets one or two topics (forced marriage,
county lines…) that appear in about 1% of procedures each, so that the benchmark has broad
queries (matching most of a manual) and narrow ones (a few dozen procedures).
"""

import random
from dataclasses import dataclass
from itertools import accumulate


def _words(text: str) -> list[str]:
    return text.split()


# Ordered from most to least common; the order sets each word's frequency.
WORDS = _words("""
child children family social worker plan assessment support care practitioner manager parent
agency information meeting record review risk safeguarding decision need service school health
police carer young person team case visit concern local authority professional report time
working days home referral consent placement protection harm welfare contact discussion
procedure guidance policy outcome action timescale evidence arrangement responsibility
education wellbeing development relationship parental court legal order duty enquiry strategy
conference chair advocate independent reviewing officer fostering residential adoption
kinship special guardianship supervision escalation threshold early help intervention
partnership designated lead named nurse doctor paediatric midwife health visitor housing
probation youth justice mental substance misuse domestic abuse neglect emotional physical
sexual exploitation criminal trafficking radicalisation online bullying self harm missing
return interview chronology genogram direct work voice wishes feelings culture identity
language interpreter disability communication transition leaving care pathway personal adviser
accommodation allowance finance budget approval panel authorisation recommendation quality
assurance audit performance data system recording template form letter notification email
telephone urgent immediate statutory regulation standard compliance inspection ofsted
complaint representation appeal feedback learning reflective practice training induction
caseload allocation transfer closure step down step up handover duty desk front door hub
threshold document consultation sibling grandparent relative friend connected person
household address registration birth certificate passport immigration status asylum age
assessment interpreter education plan special educational needs disability coordinator
attendance exclusion alternative provision tutor mentor therapist psychologist psychiatrist
counsellor befriender volunteer mentor leisure activity holiday contact centre supervised
unsupervised telephone video letterbox memory box life story book photograph diary
medication consent dental optician immunisation weight height sleep diet hygiene clothing
bedroom furniture equipment adaptation transport taxi escort journey distance placement
stability disruption breakdown matching introduction transition plan review meeting minutes
""")

TOPICS = """
forced marriage|female genital mutilation|county lines|private fostering|honour based abuse|
modern slavery|fabricated illness|sudden unexpected death|bruising in non mobile babies|
children visiting prisons|young carers|gang affiliation|hate crime|sexting|
online grooming|parental learning disability|concealed pregnancy|pre birth assessment|
unaccompanied asylum seeking children|children of parents with mental illness|
female offenders|serious youth violence|knife crime|cyberbullying|elective home education|
children in entertainment|child employment|faith based abuse|witchcraft and spirit possession|
bullying in care|allegations against carers|respite care|short breaks|direct payments|
secure accommodation|deprivation of liberty|remand to local authority accommodation|
appropriate adult|police protection|emergency protection order|interim care order|
placement with parents|family group conference|letterbox contact|adoption support fund|
inter country adoption|step parent adoption|surrogacy|parental order|staying put|
care leavers local offer|council tax exemption|bursary for higher education|
former relevant children|pathway plan review|transition to adult services|
continuing healthcare|education health and care plan|virtual school|pupil premium plus|
personal education plan|exclusion from school|children missing education|
elective admission|runaway and missing|return home interview|trafficked children|
criminal exploitation|sexual exploitation risk assessment|harmful sexual behaviour|
peer on peer abuse|domestic abuse notification|operation encompass|
multi agency risk assessment conference|child death review|serious incident notification|
rapid review|child safeguarding practice review|learning from case reviews
""".replace("\n", "").split("|")
TOPICS = [topic.strip() for topic in TOPICS if topic.strip()]

_CUMULATIVE = list(accumulate(1 / (rank**1.05) for rank in range(1, len(WORDS) + 1)))


@dataclass(frozen=True)
class GeneratedProcedure:
    title: str
    summary: str
    keywords: list[str]
    body_text: str
    topics: list[str]


def procedure(*, seed: int, manual: int, number: int, words: int = 500) -> GeneratedProcedure:
    """The same procedure text for the same (seed, manual, number), on every machine."""
    rng = random.Random(f"{seed}:{manual}:{number}")  # noqa: S311 - test data, not secrets
    topics = rng.sample(TOPICS, k=rng.choice((1, 1, 2)))
    body = rng.choices(WORDS, cum_weights=_CUMULATIVE, k=words)
    # The topic phrase appears a few times, as it would in a real procedure about it.
    for topic in topics:
        for _ in range(rng.randint(2, 5)):
            position = rng.randrange(len(body))
            body[position : position + 1] = topic.split()
    title_words = rng.choices(WORDS[20:], cum_weights=_CUMULATIVE[: len(WORDS) - 20], k=2)
    title = f"{topics[0].capitalize()}: {' '.join(title_words)}"
    summary = " ".join(rng.choices(WORDS, cum_weights=_CUMULATIVE, k=25))
    return GeneratedProcedure(
        title=title,
        summary=summary,
        keywords=[*topics, *rng.sample(WORDS[:200], k=3)],
        body_text=" ".join(body),
        topics=topics,
    )
