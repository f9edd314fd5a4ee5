"""The demonstration world behind ``manage.py seed_demo``.

One commissioner, two provider organisations and four services taking part in one
trauma-informed practice programme, about nine months in, with every stage of the
product populated: agreements, stages, standards, the workforce, champion screening,
cohorts, supervision, CPD, outcome measures, service indicators and fidelity checks.

Everything is invented: people, organisations, e-mail domains (``.example``) and the two
measures, which are demonstration instruments, not validated ones.

The world is deterministic: one ``random.Random`` seeded with ``SEED`` is passed through
every builder in a fixed order, and every date is an offset from today, so the demo
always looks current and has the same shape each time. Rebuilding deletes the previous
demo world first, inside the same transaction, so running it twice never duplicates.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from statistics import fmean

from auditlog.context import disable_auditlog
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cohorts.models import (
    Cohort,
    Criterion,
    Membership,
    Screening,
    ScreeningRating,
    StaffMember,
    TrainingCompletion,
)
from commissioning.models import (
    Agreement,
    CadenceRule,
    CommissionerMembership,
    Milestone,
    Organisation,
    Participation,
    PressureTag,
    Programme,
    Resource,
    Service,
    Stage,
    StageRecord,
    Standards,
    SupervisionType,
)
from commissioning.services import milestone_templates_seed
from core.figures import figures_changed
from fidelity.models import (
    ChallengeTheme,
    FidelityCheck,
    FidelityItem,
    FidelityRating,
    FidelityTool,
    Principle,
    SupportAction,
)
from outcomes import scoring
from outcomes.models import (
    IndicatorValue,
    Measure,
    MeasureItem,
    MeasurementPoint,
    MeasureResponse,
    ServiceIndicator,
)
from supervision.models import CpdActivity, Reminder, SupervisionSession

SEED = 2026
DEMO_PASSWORD = "launchpad-demo-2026"
DEMO_LOGIN_DOMAIN = "@launchpad.example"
PROGRAMME_AGE_DAYS = 270  # the programme started about nine months ago
PROGRAMME_LENGTH_DAYS = 3 * 365
CPD_HOURS_PER_YEAR = 30

COMMISSIONER = "Northshire County Council"
NORTHSHIRE_PROVIDER = "Northshire Children's Services"
HARBOURSIDE_PROVIDER = "Harbourside Family Trust"
DEMO_ORGANISATIONS = (COMMISSIONER, NORTHSHIRE_PROVIDER, HARBOURSIDE_PROVIDER)

PROGRAMME_NAME = "Trauma-informed practice in family help"
PRACTICE_MODEL = "Trauma-informed relational practice"

ADMIN_LOGIN = "admin@launchpad.example"
COMMISSIONER_LOGIN = "commissioner@launchpad.example"
SERVICE_MANAGER_LOGIN = "servicemanager@launchpad.example"
LINE_MANAGER_LOGIN = "linemanager@launchpad.example"
PRACTITIONER_LOGIN = "practitioner@launchpad.example"

CONFIDENCE_SLUG = "ti-confidence-demo"
STRESS_SLUG = "work-stress-demo"
DEMO_MEASURE_SLUGS = (CONFIDENCE_SLUG, STRESS_SLUG)
DEMO_LICENCE = "Demonstration instrument written for Launchpad — not validated"

# Wave 1 trained about five to six months ago; wave 2 is six weeks away.
# (Days after the programme start, like every other offset in the plans below.)
WAVE_1_TRAINING = (95, 116)
WAVE_2_TRAINING = (317, 338)

CLINICAL_SUPERVISOR_EDGE = "Dr Miriam Achebe, clinical psychologist"
CLINICAL_SUPERVISOR_MANAGERS = "Ruth Penhaligon, independent clinical supervisor"


# --------------------------------------------------------------------------------------
# The plan: who works where, and how far each service has got
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonPlan:
    name: str
    job_title: str
    login: str = ""  # username of a demo login, if this person has one
    senior: bool = False
    nq_days: int | None = None  # newly qualified: started this many days ago
    champion: bool = False  # wave 1 champion, trained
    withdrew: str = ""  # wave 1 nominee who withdrew, with the reason
    wave2: str = ""  # Membership status in wave 2 ("nominated" or "confirmed")
    practising: bool = False  # already practising this way without the label
    trained: bool = False  # line managers: completed the line-manager course
    lapsed_days: int = 0  # no line-management supervision for this many days
    drifting: bool = False  # fidelity ratings falling across checks


@dataclass(frozen=True)
class TeamPlan:
    line_manager: PersonPlan
    reports: tuple[PersonPlan, ...]


@dataclass(frozen=True)
class AgreementPlan:
    version: int
    status: str
    created: int
    commissioner_signed: int | None = None
    manager_signed: int | None = None
    supervision_minutes: int | None = None
    cpd_hours: int | None = None
    places: int | None = None
    pressures: str = ""


@dataclass(frozen=True)
class Snapshot:
    vacancies: int
    agency_share: Decimal | None
    caseload: int
    turnover: Decimal | None


@dataclass(frozen=True)
class IndicatorPlan:
    name: str
    unit: str
    baseline: float
    improvement: float  # share by which the figure improves over the nine months
    whole_numbers: bool = True
    higher_is_better: bool = False


@dataclass(frozen=True)
class ServicePlan:
    name: str
    organisation: str
    domain: str
    manager: PersonPlan
    teams: tuple[TeamPlan, ...]
    joined: int
    stages: tuple[tuple[str, int, int | None], ...]  # stage, started, completed
    pending_milestones: tuple[str, ...]
    agreements: tuple[AgreementPlan, ...]
    snapshot: Snapshot
    pressure_tags: tuple[str, ...]
    screen_count: int
    screened_from: int
    coaching_from: int
    group_reflective_from: int | None
    practitioner_clinical_supervisor: str
    indicators: tuple[IndicatorPlan, ...]

    @property
    def current_stage(self) -> str:
        return self.stages[-1][0]

    @property
    def practitioners(self) -> list[PersonPlan]:
        return [person for team in self.teams for person in team.reports]

    @property
    def headcount(self) -> int:
        return 1 + len(self.teams) + len(self.practitioners)


NQ_SOCIAL_WORKER = "Social Worker (newly qualified)"

COMPLAINTS = IndicatorPlan("Complaints", "complaints a month", 4.0, 0.25)

SERVICE_PLANS: tuple[ServicePlan, ...] = (
    ServicePlan(
        name="Family Help North",
        organisation=NORTHSHIRE_PROVIDER,
        domain="northshire.example",
        manager=PersonPlan("Priya Sharma", "Service Manager", login=SERVICE_MANAGER_LOGIN),
        teams=(
            TeamPlan(
                PersonPlan(
                    "Daniel O'Connor", "Team Manager", login=LINE_MANAGER_LOGIN, trained=True
                ),
                (
                    PersonPlan(
                        "Amira Hussain", "Social Worker", login=PRACTITIONER_LOGIN, champion=True
                    ),
                    PersonPlan(
                        "Kwame Asante",
                        "Senior Social Worker",
                        senior=True,
                        champion=True,
                        practising=True,
                    ),
                    PersonPlan("Hannah Lewis", "Family Practitioner", champion=True, drifting=True),
                    PersonPlan("Tomasz Nowak", "Family Practitioner", lapsed_days=44),
                    PersonPlan("Leah Fitzgerald", NQ_SOCIAL_WORKER, nq_days=26),
                    PersonPlan("Owen Price", "Family Support Worker", wave2="nominated"),
                ),
            ),
            TeamPlan(
                PersonPlan("Grace Adeyemi", "Team Manager", trained=True),
                (
                    PersonPlan("Ravi Patel", "Senior Social Worker", senior=True, champion=True),
                    PersonPlan("Megan Hughes", "Social Worker", champion=True),
                    PersonPlan("Liam Murphy", "Social Worker", lapsed_days=38),
                    PersonPlan("Zara Ahmed", NQ_SOCIAL_WORKER, nq_days=120),
                    PersonPlan("Bethan Morgan", "Family Practitioner"),
                    PersonPlan("Samuel Osei", "Family Support Worker"),
                    PersonPlan("Niamh Kelly", "Senior Family Practitioner", senior=True),
                ),
            ),
        ),
        joined=0,
        stages=(("exploration", 0, 49), ("installation", 49, 120), ("initial", 120, None)),
        pending_milestones=(
            "Monthly implementation group running",
            "Fidelity reflections routine in supervision",
        ),
        agreements=(
            AgreementPlan(
                1,
                Agreement.Status.AGREED,
                created=38,
                commissioner_signed=52,
                manager_signed=55,
                supervision_minutes=90,
                cpd_hours=30,
                places=5,
                pressures=(
                    "Caseloads have crept up since two posts were frozen. Pre-proceedings "
                    "and court work take a lot of team managers' time, so supervision is "
                    "often the first thing moved."
                ),
            ),
            AgreementPlan(
                2,
                Agreement.Status.AGREED,
                created=178,
                commissioner_signed=186,
                manager_signed=189,
                supervision_minutes=120,
                cpd_hours=30,
                places=5,
                pressures=(
                    "As version 1. The six-month review found supervision was still being "
                    "squeezed in court weeks, so protected time rises to two hours a month "
                    "and the duty manager covers the team during it."
                ),
            ),
        ),
        snapshot=Snapshot(2, Decimal("12.5"), 17, Decimal("14.0")),
        pressure_tags=("High caseloads", "Court deadlines"),
        screen_count=10,
        screened_from=60,
        coaching_from=60,
        group_reflective_from=120,
        practitioner_clinical_supervisor="",
        indicators=(
            IndicatorPlan(
                "Re-referrals within 12 months", "% of referrals", 23.0, 0.15, whole_numbers=False
            ),
            COMPLAINTS,
            IndicatorPlan("Staff turnover", "% over 12 months", 14.0, 0.2, whole_numbers=False),
        ),
    ),
    ServicePlan(
        name="Family Help South",
        organisation=HARBOURSIDE_PROVIDER,
        domain="harbourside.example",
        manager=PersonPlan(
            "Gareth Evans", "Service Manager", login="servicemanager.south@launchpad.example"
        ),
        teams=(
            TeamPlan(
                PersonPlan("Harpreet Kaur", "Team Manager", trained=True),
                (
                    PersonPlan(
                        "Jack Thompson", "Senior Family Practitioner", senior=True, champion=True
                    ),
                    PersonPlan("Yusuf Ali", "Family Practitioner", champion=True),
                    PersonPlan(
                        "Emily Walsh",
                        "Family Practitioner",
                        wave2="nominated",
                        withdrew=(
                            "Started a period of extended leave the week before training. "
                            "Keen to join wave 2."
                        ),
                    ),
                    PersonPlan("Chidi Okonkwo", "Family Support Worker", lapsed_days=41),
                    PersonPlan("Rebecca Shaw", NQ_SOCIAL_WORKER, nq_days=60),
                    PersonPlan("Connor Doyle", "Family Practitioner"),
                ),
            ),
            TeamPlan(
                PersonPlan("Lucy Brennan", "Team Manager"),
                (
                    PersonPlan("Fatima Rahman", "Senior Social Worker", senior=True, champion=True),
                    PersonPlan("Abigail Turner", "Social Worker"),
                    PersonPlan("Deepa Nair", "Family Practitioner"),
                    PersonPlan("Ewan Robertson", "Family Support Worker", lapsed_days=52),
                    PersonPlan("Olivia Chen", "Social Worker"),
                    PersonPlan("Nathan Brooks", "Family Practitioner", wave2="confirmed"),
                ),
            ),
        ),
        joined=14,
        stages=(("exploration", 14, 84), ("installation", 84, None)),
        pending_milestones=(
            "Co-commissioning agreement signed",
            "Protected supervision time built into rotas",
        ),
        agreements=(
            AgreementPlan(
                1,
                Agreement.Status.AWAITING,
                created=70,
                commissioner_signed=150,
                supervision_minutes=90,
                cpd_hours=24,
                places=3,
                pressures=(
                    "Four practitioner vacancies, three covered by agency staff on short "
                    "contracts. New starters need a lot of induction time from team "
                    "managers, and supervision slips when cover runs thin."
                ),
            ),
        ),
        snapshot=Snapshot(4, Decimal("21.0"), 19, Decimal("22.5")),
        pressure_tags=("Vacancies", "Agency reliance", "High caseloads"),
        screen_count=8,
        screened_from=66,
        coaching_from=70,
        group_reflective_from=130,
        practitioner_clinical_supervisor="",
        indicators=(
            IndicatorPlan(
                "Re-referrals within 12 months", "% of referrals", 27.0, 0.08, whole_numbers=False
            ),
            COMPLAINTS,
            IndicatorPlan("Staff turnover", "% over 12 months", 22.5, 0.1, whole_numbers=False),
        ),
    ),
    ServicePlan(
        name="Children in Care Team",
        organisation=NORTHSHIRE_PROVIDER,
        domain="northshire.example",
        manager=PersonPlan(
            "Fiona MacLeod", "Service Manager", login="servicemanager.care@launchpad.example"
        ),
        teams=(
            TeamPlan(
                PersonPlan("Jamal Richards", "Team Manager"),
                (
                    PersonPlan(
                        "Katie Flynn",
                        "Senior Social Worker",
                        senior=True,
                        wave2="nominated",
                        practising=True,
                    ),
                    PersonPlan("Luca Romano", "Social Worker"),
                    PersonPlan("Maryam Malik", "Social Worker", wave2="nominated"),
                    PersonPlan("Oliver Pearce", "Social Worker", lapsed_days=39),
                    PersonPlan("Precious Moyo", NQ_SOCIAL_WORKER, nq_days=200),
                    PersonPlan("Rhys Griffiths", "Personal Adviser"),
                ),
            ),
            TeamPlan(
                PersonPlan("Shanice Campbell", "Team Manager"),
                (
                    PersonPlan("Thomas Wright", "Senior Social Worker", senior=True),
                    PersonPlan("Uzma Choudhury", "Social Worker"),
                    PersonPlan("Nadia Kowalczyk", "Social Worker"),
                    PersonPlan("Marcus Bell", "Social Worker"),
                    PersonPlan("Chloe Bennett", "Personal Adviser"),
                    PersonPlan("Mohammed Iqbal", NQ_SOCIAL_WORKER, nq_days=40),
                ),
            ),
        ),
        joined=200,
        stages=(("exploration", 200, None),),
        pending_milestones=(
            "Practice model presented to team managers",
            "Decision to proceed agreed with commissioner",
        ),
        agreements=(
            AgreementPlan(
                1,
                Agreement.Status.DRAFT,
                created=215,
                supervision_minutes=90,
                places=3,
                pressures=(
                    "Court timetables drive much of the team's week. Two social worker "
                    "posts are vacant and the team moves office in the spring, so there "
                    "is little private space for reflective sessions until then."
                ),
            ),
        ),
        snapshot=Snapshot(2, None, 16, None),
        pressure_tags=("Court deadlines", "Estate/space", "Vacancies"),
        screen_count=4,
        screened_from=228,
        coaching_from=215,
        group_reflective_from=None,
        practitioner_clinical_supervisor="",
        indicators=(
            IndicatorPlan("Placement moves", "moves a month", 7.0, 0.2),
            COMPLAINTS,
            IndicatorPlan("Staff turnover", "% over 12 months", 18.0, 0.05, whole_numbers=False),
        ),
    ),
    ServicePlan(
        name="Edge of Care Service",
        organisation=HARBOURSIDE_PROVIDER,
        domain="harbourside.example",
        manager=PersonPlan(
            "Tunde Bakare", "Service Manager", login="servicemanager.edge@launchpad.example"
        ),
        teams=(
            TeamPlan(
                PersonPlan("Catriona Reid", "Practice Lead", trained=True),
                (
                    PersonPlan(
                        "Patrick Byrne",
                        "Senior Edge of Care Practitioner",
                        senior=True,
                        champion=True,
                    ),
                    PersonPlan("Rosie Taylor", "Edge of Care Practitioner", champion=True),
                    PersonPlan(
                        "Sanjay Mistry",
                        "Family Therapist",
                        senior=True,
                        champion=True,
                        practising=True,
                    ),
                    PersonPlan("Victoria Ellis", "Edge of Care Practitioner"),
                    PersonPlan("Wei Zhang", "Youth Worker"),
                    PersonPlan("Yasmin Farouk", "Edge of Care Practitioner"),
                ),
            ),
            TeamPlan(
                PersonPlan("Femi Ogunleye", "Practice Lead", trained=True),
                (
                    PersonPlan("Adam Kowalski", "Edge of Care Practitioner", champion=True),
                    PersonPlan(
                        "Bukola Adebayo",
                        "Senior Edge of Care Practitioner",
                        senior=True,
                        practising=True,
                    ),
                    PersonPlan("Dylan Roberts", "Youth Worker"),
                    PersonPlan("Ellie Marshall", "Edge of Care Practitioner"),
                    PersonPlan("Georgia Hall", NQ_SOCIAL_WORKER, nq_days=150),
                    PersonPlan("Hamza Siddiqui", "Edge of Care Practitioner", wave2="confirmed"),
                    PersonPlan("Isla Grant", "Family Support Worker"),
                ),
            ),
        ),
        joined=0,
        stages=(
            ("exploration", 0, 35),
            ("installation", 35, 118),
            ("initial", 118, 215),
            ("full", 215, None),
        ),
        pending_milestones=(
            "Practice model in induction for new starters",
            "Wave 2 places agreed",
        ),
        agreements=(
            AgreementPlan(
                1,
                Agreement.Status.AGREED,
                created=26,
                commissioner_signed=38,
                manager_signed=41,
                supervision_minutes=120,
                cpd_hours=30,
                places=4,
                pressures=(
                    "Evening and weekend work with families in crisis makes fixed "
                    "supervision slots hard to keep. The team shares one small base, so "
                    "rooms for reflective sessions have to be booked well ahead."
                ),
            ),
        ),
        snapshot=Snapshot(1, Decimal("6.0"), 9, Decimal("9.5")),
        pressure_tags=("Estate/space",),
        screen_count=8,
        screened_from=50,
        coaching_from=45,
        group_reflective_from=100,
        practitioner_clinical_supervisor=CLINICAL_SUPERVISOR_EDGE,
        indicators=(
            IndicatorPlan("Children entering care from the service", "children a month", 3.0, 0.3),
            COMPLAINTS,
            IndicatorPlan("Staff turnover", "% over 12 months", 9.5, 0.1, whole_numbers=False),
        ),
    ),
)

PRESSURE_TAGS = (
    "High caseloads",
    "Agency reliance",
    "Vacancies",
    "Court deadlines",
    "Estate/space",
)

STAGE_MILESTONES: dict[str, tuple[str, ...]] = {
    Stage.EXPLORATION: (
        "Readiness conversation with service leadership",
        "Workforce pressures and constraints recorded",
        "Practice model presented to team managers",
        "Decision to proceed agreed with commissioner",
    ),
    Stage.INSTALLATION: (
        "Co-commissioning agreement signed",
        "Champion screening completed",
        "Baseline measures collected",
        "Wave 1 champions trained",
        "Protected supervision time built into rotas",
    ),
    Stage.INITIAL: (
        "Line managers trained in reflective supervision",
        "First fidelity reflections completed",
        "Post-training measures collected",
        "Monthly implementation group running",
        "Fidelity reflections routine in supervision",
    ),
    Stage.FULL: (
        "Most practitioners using the model day to day",
        "Supervision on cadence for three months running",
        "Practice model in induction for new starters",
        "Wave 2 places agreed",
    ),
}

# How long a stage still in progress is planned to take, for its milestones' due dates.
PLANNED_STAGE_DAYS: dict[str, int] = {
    Stage.EXPLORATION: 90,
    Stage.INSTALLATION: 120,
    Stage.INITIAL: 180,
    Stage.FULL: 365,
}


# --------------------------------------------------------------------------------------
# Words
# --------------------------------------------------------------------------------------

RESOURCES = (
    # title, evidence level, source, owner, description, days since last review
    # (reviews are due a year on, so the last two are past their review date)
    (
        "Reflective supervision conversation guide",
        Resource.Evidence.PRACTICE,
        "Northshire Practice Development Team",
        "Principal Social Worker",
        "Prompts for opening, holding and closing a reflective supervision conversation.",
        40,
    ),
    (
        "What behaviour communicates: a briefing for practitioners",
        Resource.Evidence.GUIDANCE,
        "Regional Trauma-informed Practice Network",
        "Practice Development Lead",
        "A short briefing on reading behaviour as communication rather than defiance.",
        95,
    ),
    (
        "Relational language in case recording",
        Resource.Evidence.PRACTICE,
        "Northshire Practice Development Team",
        "Principal Social Worker",
        "Examples of rewriting case notes in warm, plain, non-judgemental language.",
        150,
    ),
    (
        "Secondary trauma and staff wellbeing: evidence summary",
        Resource.Evidence.SYSTEMATIC_REVIEW,
        "Northshire Workforce Academy",
        "Workforce Lead",
        "What the research says about vicarious trauma in children's services, and what helps.",
        210,
    ),
    (
        "Safety planning with families: practice tool",
        Resource.Evidence.QUASI,
        "Harbourside Family Trust Practice Team",
        "Head of Practice, Harbourside",
        "A collaborative safety-planning template with guidance for its use at home visits.",
        260,
    ),
    (
        "Group reflective practice: facilitator pack",
        Resource.Evidence.TRIAL,
        "Regional Trauma-informed Practice Network",
        "Practice Development Lead",
        "Session plans and ground rules for monthly group reflective practice.",
        300,
    ),
    (
        "Trauma-informed approaches in family support: rapid evidence review",
        Resource.Evidence.SYSTEMATIC_REVIEW,
        "Northshire Workforce Academy",
        "Workforce Lead",
        "A rapid review of outcomes from trauma-informed approaches in family support.",
        460,
    ),
    (
        "Restorative conversations with adolescents",
        Resource.Evidence.TRIAL,
        "Harbourside Family Trust Practice Team",
        "Head of Practice, Harbourside",
        "A structured approach to repairing harm after conflict with and between teenagers.",
        520,
    ),
)

SCREENING_EVIDENCE: dict[str, tuple[str, str, str, str]] = {
    Criterion.DIRECT_WORK: (
        "Mainly office-based at present; little direct contact with families.",
        "Some direct work, mostly when covering duty visits.",
        "Regular direct work alongside coordinating other professionals.",
        "Holds a caseload of direct work with children and families every week.",
    ),
    Criterion.CURIOSITY: (
        "Recording focuses on incidents and what needs to stop.",
        "Starting to ask why, usually when prompted in supervision.",
        "Often wonders aloud what a child's behaviour might be telling us.",
        "Consistently explores what sits underneath behaviour before planning a response.",
    ),
    Criterion.NON_PUNITIVE: (
        "Tends to reach for sanctions and consequences first.",
        "Relational with younger children, firmer and more rule-bound with teenagers.",
        "Usually steers plans away from consequence-led responses.",
        "Calmly challenges punitive responses in meetings, with reasons.",
    ),
    Criterion.RELATIONAL_LANGUAGE: (
        "Case notes use labels such as 'non-compliant' and 'manipulative'.",
        "Kind in person, but written records are less so.",
        "Writes and speaks about families in warm, plain language.",
        "Models relational, non-judgemental language; colleagues pick it up.",
    ),
    Criterion.THEORY_TO_PRACTICE: (
        "Has not yet had the chance to use recent learning.",
        "Shares ideas from training, not yet visible in plans.",
        "Has used recent learning in safety plans and direct work.",
        "Turns new learning into practical tools the whole team uses.",
    ),
}

SESSION_NOTES: dict[str, tuple[str, ...]] = {
    SupervisionType.LINE_MANAGEMENT: (
        "Caseload review; agreed to step down two families.",
        "Talked through the court timetable and who covers the hearing.",
        "Checked in after a hard week; agreed a lighter duty rota.",
        "Reviewed overdue visits and made a plan to catch up.",
        "Discussed writing the assessment in the family's own words.",
        "Leave, training dates and caseload balance.",
        "Explored the worry about a teenager who keeps going missing.",
        "The family network meeting went well; we took time to notice that.",
    ),
    SupervisionType.REFLECTIVE: (
        "Reflected on what a child's anger might be protecting him from.",
        "Noticed my own reaction to a parent and where it comes from.",
        "Thought about how to offer the family more choice in the plan.",
        "Talked about the weight of a recent disclosure and how I am carrying it.",
        "Explored why home visits feel stuck and what might help.",
        "Wondered together about what safety means for this family.",
    ),
    SupervisionType.CLINICAL: (
        "Formulation of a young person's escalating behaviour at home.",
        "Thinking about attachment and a parent's own care history.",
        "Impact of repeated crisis calls on me; agreed to use the team debrief.",
        "Planning therapeutic direct work around a recent placement breakdown.",
    ),
    SupervisionType.COACHING: (
        "Practised opening supervision with a wellbeing check.",
        "Looked at how much of my supervision is case-tracking rather than reflection.",
        "Planned how to protect supervision time in court weeks.",
        "Reviewed a supervision I gave and picked one thing to try differently.",
        "Talked about holding the team's anxiety after a serious incident.",
    ),
    SupervisionType.GROUP_REFLECTIVE: (
        "Group case discussion using the reflective model.",
        "Team reflected on a recent placement breakdown.",
        "Thought together about families who find it hard to trust us.",
        "Shared what has helped with engagement over the summer.",
    ),
}

CPD_ACTIVITIES = (
    # kind, title, hours, peer reflection, linked resource (title) or "" for none
    (CpdActivity.Kind.COURSE, "Working with parental conflict: one-day workshop", "6.0", False, ""),
    (CpdActivity.Kind.COURSE, "Court skills refresher", "3.5", False, ""),
    (CpdActivity.Kind.E_LEARNING, "Exploitation and young people who go missing", "2.0", False, ""),
    (
        CpdActivity.Kind.E_LEARNING,
        "Domestic abuse: understanding coercive control",
        "1.5",
        False,
        "",
    ),
    (
        CpdActivity.Kind.READING,
        "What behaviour communicates: team briefing",
        "1.0",
        False,
        "What behaviour communicates: a briefing for practitioners",
    ),
    (
        CpdActivity.Kind.READING,
        "Secondary trauma and looking after yourself",
        "1.5",
        False,
        "Secondary trauma and staff wellbeing: evidence summary",
    ),
    (
        CpdActivity.Kind.READING,
        "Restorative conversations with teenagers",
        "1.0",
        False,
        "Restorative conversations with adolescents",
    ),
    (
        CpdActivity.Kind.PEER_LEARNING,
        "Group reflective session on a complex case",
        "1.5",
        True,
        "Group reflective practice: facilitator pack",
    ),
    (
        CpdActivity.Kind.PEER_LEARNING,
        "Peer review of the language in our case records",
        "1.0",
        True,
        "Relational language in case recording",
    ),
    (CpdActivity.Kind.SHADOWING, "Shadowed a family therapist on a home visit", "3.0", False, ""),
    (CpdActivity.Kind.SHADOWING, "Observed a family network meeting", "2.0", False, ""),
    (CpdActivity.Kind.OTHER, "Presented a case study at practice week", "2.5", True, ""),
    (
        CpdActivity.Kind.COURSE,
        "Trauma-informed practice refresher session",
        "3.0",
        False,
        "Safety planning with families: practice tool",
    ),
)

CPD_LEARNING = (
    "How a child's behaviour can make sense once you know what happened before.",
    "Practical ways to slow a conversation down when a parent is overwhelmed.",
    "The difference between a consequence and a response that repairs.",
    "How my own stress shows up in the way I write about families.",
    "Why offering small, real choices matters so much to young people.",
    "What the current evidence says, and where it is thin.",
    "How colleagues in another team run their family network meetings.",
)

CPD_IMPACT = (
    "I now start visits by asking what would make today feel safe enough.",
    "I have rewritten two plans with the family's words at the centre.",
    "I use a short check-in at the start of each visit.",
    "I bring one reflective question to every supervision.",
    "I have shared the approach with my team at our weekly meeting.",
    "I plan harder conversations for times when the family is less stretched.",
    "",
)

FIDELITY_PROMPTS = {
    Principle.SAFETY: "I helped the child or family feel physically and emotionally safe.",
    Principle.TRUST: "I was open about what would happen next, and did what I said I would.",
    Principle.CHOICE: "I offered real choices about how, when and where we worked together.",
    Principle.COLLABORATION: "I worked alongside the family and shared decisions with them.",
    Principle.EMPOWERMENT: "I noticed the family's strengths and helped them build on them.",
    Principle.CULTURAL: (
        "I thought about the family's culture, identity and history, and how they shape "
        "their experience of services."
    ),
}

# How each principle tends to compare with the rest (choice is hardest in court work).
PRINCIPLE_OFFSETS: dict[str, float] = {
    Principle.SAFETY: 0.2,
    Principle.TRUST: 0.25,
    Principle.CHOICE: -0.4,
    Principle.COLLABORATION: 0.0,
    Principle.EMPOWERMENT: 0.1,
    Principle.CULTURAL: -0.25,
}

WENT_WELL = (
    "The young person chose where we met, and the conversation flowed.",
    "I explained each step of the assessment before we started.",
    "Mum led the agenda for the planning meeting for the first time.",
    "I named the family's strengths and they built on them.",
    "I read the history first and adjusted how I approached the family.",
    "We agreed a signal the child can use when they need a break.",
    "I followed up on what I had promised the same day.",
)

GOT_IN_THE_WAY = (
    "Court timescales left little room to offer real choices.",
    "Back-to-back visits meant I arrived rushed.",
    "No interpreter was booked, so the family could not speak freely.",
    "The meeting room was noisy and not private.",
    "I fell back on a checklist when the conversation got difficult.",
    "A heavy caseload this month meant fewer visits than planned.",
    "",
)

# The challenge theme each "what got in the way" is tagged with (Django admin keeps the list).
GOT_IN_THE_WAY_THEMES = {
    GOT_IN_THE_WAY[0]: "Time",
    GOT_IN_THE_WAY[1]: "Workload",
    GOT_IN_THE_WAY[2]: "Resources",
    GOT_IN_THE_WAY[3]: "Resources",
    GOT_IN_THE_WAY[4]: "Confidence",
    GOT_IN_THE_WAY[5]: "Workload",
}
THEMES = ("Workload", "Time", "Confidence", "Resources", "Team support")
# What practitioners said back about a check their line manager recorded in supervision.
CHECK_RESPONSES = (
    "Fair. I want to keep working on offering choices early in a visit.",
    "Thank you: it helped to hear what the family noticed.",
    "",
)

SUPPORT_ACTIONS = (
    "Talk through how to offer choices within court timescales; book a joint visit.",
    "Arrange shadowing with a champion from the other team.",
    "Review caseload and protect one afternoon a fortnight for planning direct work.",
    "Use the next reflective session to look at what happens when conversations get hard.",
    "Book interpreters as standard for the family and add it to the plan.",
)

CONFIDENCE_ITEMS = (
    ("Understanding", "I can explain how trauma can affect a child's behaviour."),
    ("Understanding", "I can recognise when a parent's own history is shaping their response."),
    ("Understanding", "I understand how my own stress affects the families I work with."),
    ("Understanding", "I know the six principles of trauma-informed practice."),
    ("Responding", "I can stay calm and curious when a young person is distressed."),
    ("Responding", "I can offer families real choices, even when time is short."),
    ("Responding", "I can write about families in warm, non-judgemental language."),
    ("Responding", "I can repair the relationship after a difficult visit."),
)
CONFIDENCE_LABELS = {
    "1": "Not at all confident",
    "2": "A little confident",
    "3": "Fairly confident",
    "4": "Confident",
    "5": "Very confident",
}

STRESS_ITEMS = (
    ("I have felt worn out by my work.", False),
    ("I have been able to switch off after work.", True),
    ("I have felt I could not keep up with my caseload.", False),
    ("I have carried worries about families home with me.", False),
    ("I have felt supported by my team.", True),
    ("I have felt irritable or short with people.", False),
)
STRESS_LABELS = {"0": "Never", "1": "Rarely", "2": "Sometimes", "3": "Often", "4": "Always"}


# --------------------------------------------------------------------------------------
# The world being built, passed from builder to builder
# --------------------------------------------------------------------------------------


@dataclass
class World:
    rng: random.Random
    today: date
    now: datetime
    users: dict[str, User] = field(default_factory=dict)  # by username
    organisations: dict[str, Organisation] = field(default_factory=dict)
    services: dict[str, Service] = field(default_factory=dict)
    staff: dict[str, StaffMember] = field(default_factory=dict)  # by full name
    staff_by_login: dict[str, StaffMember] = field(default_factory=dict)
    people: dict[str, PersonPlan] = field(default_factory=dict)  # by full name
    service_of: dict[str, ServicePlan] = field(default_factory=dict)  # by full name
    programme: Programme = field(init=False)  # set by create_programme
    participations: dict[str, Participation] = field(default_factory=dict)
    resources: dict[str, Resource] = field(default_factory=dict)
    wave1: Cohort = field(init=False)  # set by create_cohorts
    wave2: Cohort = field(init=False)
    last_session: dict[tuple[str, str], date] = field(default_factory=dict)  # name, type
    cpd: list[CpdActivity] = field(default_factory=list)
    fidelity_checks: list[FidelityCheck] = field(default_factory=list)

    @property
    def start(self) -> date:
        return self.today - timedelta(days=PROGRAMME_AGE_DAYS)

    @property
    def wave1_start(self) -> date:
        return self.day(WAVE_1_TRAINING[0])

    @property
    def wave1_end(self) -> date:
        return self.day(WAVE_1_TRAINING[1])

    def day(self, offset: int) -> date:
        """The date ``offset`` days after the programme started."""
        return self.start + timedelta(days=offset)

    def at(self, on: date, hour: int, minute: int = 0) -> datetime:
        """An aware datetime on a date, never later than now."""
        return min(timezone.make_aware(datetime.combine(on, time(hour, minute))), self.now)

    def user_for(self, person: PersonPlan) -> User | None:
        return self.users.get(person.login) if person.login else None


def new_world(today: date | None = None, seed: int = SEED) -> World:
    now = timezone.now()
    today = today or timezone.localdate(now)
    if timezone.localdate(now) != today:
        now = timezone.make_aware(datetime.combine(today, time(18, 0)))
    return World(rng=random.Random(seed), today=today, now=now)


def working_day(day: date, today: date) -> date:
    """Move a weekend date to the Friday before or the Monday after, never past today."""
    if day.weekday() == 5:
        return day - timedelta(days=1)
    if day.weekday() == 6:
        return day + timedelta(days=1) if day < today else day - timedelta(days=2)
    return day


def clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def email_for(name: str, domain: str) -> str:
    local = name.lower().replace("'", "").replace(" ", ".")
    return f"{local}@{domain}"


def split_name(name: str) -> tuple[str, str]:
    first, _, last = name.partition(" ")
    return first, last


# --------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------


def build_demo_world(today: date | None = None, seed: int = SEED) -> dict[str, int]:
    """Delete any previous demo world and build a fresh one; returns the demo's counts.

    The audit trail is switched off meanwhile: it records people's changes, and the demo
    is neither people nor changes (left on, every rebuild would add hundreds of entries).
    """
    world = new_world(today, seed)
    with transaction.atomic(), disable_auditlog():
        clear_demo_world()
        create_organisations_and_services(world)
        create_users(world)
        create_staff(world)
        create_programme(world)
        create_stages_and_milestones(world)
        create_agreements(world)
        create_standards(world)
        create_resources(world)
        create_screenings(world)
        create_cohorts(world)
        create_training(world)
        create_supervision(world)
        create_cpd(world)
        create_outcomes(world)
        create_service_indicators(world)
        create_fidelity(world)
        create_reminders(world)
        figures_changed()  # bulk inserts send no signals
        return demo_counts()


def clear_demo_world() -> None:
    """Delete everything reachable from the demo organisations and demo logins.

    Deletes in an order that respects the PROTECT foreign keys: support actions (their
    owner), fidelity checks (their tool and items), supervision sessions, then
    programmes, participations, staff, services, organisations and the demo logins.
    Sessions a demo staff member gave to someone outside the demo go too: nulling their
    supervisor would break the rule that every session has one. Anything else outside
    the demo that still points at a demo login raises ProtectedError, and the
    transaction leaves the old demo world as it was.
    """
    organisations = Organisation.objects.filter(name__in=DEMO_ORGANISATIONS)
    programmes = Programme.objects.filter(commissioning_organisation__in=organisations)
    services = Service.objects.filter(organisation__in=organisations)
    staff = StaffMember.objects.filter(service__in=services)

    SupportAction.objects.filter(Q(staff__in=staff) | Q(owner__in=staff)).delete()
    FidelityCheck.objects.filter(Q(tool__programme__in=programmes) | Q(staff__in=staff)).delete()
    SupervisionSession.objects.filter(Q(supervisee__in=staff) | Q(supervisor__in=staff)).delete()
    programmes.delete()
    Participation.objects.filter(service__in=services).delete()
    staff.delete()
    services.delete()
    organisations.delete()
    Measure.objects.filter(slug__in=DEMO_MEASURE_SLUGS, points__isnull=True).delete()
    User.objects.filter(username__endswith=DEMO_LOGIN_DOMAIN).delete()


def demo_counts() -> dict[str, int]:
    """How many rows of each kind the demo world holds (read back from the database)."""
    organisations = Organisation.objects.filter(name__in=DEMO_ORGANISATIONS)
    programmes = Programme.objects.filter(commissioning_organisation__in=organisations)
    services = Service.objects.filter(organisation__in=organisations)
    staff = StaffMember.objects.filter(service__in=services)
    return {
        "organisations": organisations.count(),
        "services": services.count(),
        "programmes": programmes.count(),
        "agreements": Agreement.objects.filter(participation__programme__in=programmes).count(),
        "stage records": StageRecord.objects.filter(
            participation__programme__in=programmes
        ).count(),
        "milestones": Milestone.objects.filter(participation__programme__in=programmes).count(),
        "cadence rules": CadenceRule.objects.filter(standards__programme__in=programmes).count(),
        "resources": Resource.objects.filter(organisation__in=organisations).count(),
        "demo logins": User.objects.filter(username__endswith=DEMO_LOGIN_DOMAIN).count(),
        "staff": staff.count(),
        "screenings": Screening.objects.filter(programme__in=programmes).count(),
        "screening ratings": ScreeningRating.objects.filter(
            screening__programme__in=programmes
        ).count(),
        "cohorts": Cohort.objects.filter(programme__in=programmes).count(),
        "cohort memberships": Membership.objects.filter(cohort__programme__in=programmes).count(),
        "training completions": TrainingCompletion.objects.filter(programme__in=programmes).count(),
        "supervision sessions": SupervisionSession.objects.filter(supervisee__in=staff).count(),
        "CPD activities": CpdActivity.objects.filter(staff__in=staff).count(),
        "measures": Measure.objects.filter(slug__in=DEMO_MEASURE_SLUGS).count(),
        "measurement points": MeasurementPoint.objects.filter(programme__in=programmes).count(),
        "measure responses": MeasureResponse.objects.filter(
            point__programme__in=programmes
        ).count(),
        "service indicators": ServiceIndicator.objects.filter(service__in=services).count(),
        "indicator values": IndicatorValue.objects.filter(indicator__service__in=services).count(),
        "fidelity checks": FidelityCheck.objects.filter(staff__in=staff).count(),
        "fidelity ratings": FidelityRating.objects.filter(check_record__staff__in=staff).count(),
        "support actions": SupportAction.objects.filter(staff__in=staff).count(),
        "reminders": Reminder.objects.filter(
            recipient__username__endswith=DEMO_LOGIN_DOMAIN
        ).count(),
    }


def demo_logins() -> list[tuple[str, str]]:
    """The demo logins and who each one is, for the command's summary."""
    north = SERVICE_PLANS[0]
    logins = [
        (ADMIN_LOGIN, "administrator (Django admin)"),
        (COMMISSIONER_LOGIN, f"lead commissioner, {COMMISSIONER}"),
    ]
    for plan in SERVICE_PLANS:
        logins.append((plan.manager.login, f"service manager, {plan.name}"))
    logins.append((LINE_MANAGER_LOGIN, f"line manager, {north.name}"))
    logins.append((PRACTITIONER_LOGIN, f"practitioner and wave 1 champion, {north.name}"))
    return logins


# --------------------------------------------------------------------------------------
# Organisations, people and logins
# --------------------------------------------------------------------------------------


def create_organisations_and_services(world: World) -> None:
    world.organisations[COMMISSIONER] = Organisation.objects.create(
        name=COMMISSIONER, kind=Organisation.Kind.COMMISSIONER
    )
    for name in (NORTHSHIRE_PROVIDER, HARBOURSIDE_PROVIDER):
        world.organisations[name] = Organisation.objects.create(
            name=name, kind=Organisation.Kind.PROVIDER
        )
    for plan in SERVICE_PLANS:
        world.services[plan.name] = Service.objects.create(
            organisation=world.organisations[plan.organisation], name=plan.name
        )


def create_users(world: World) -> None:
    """The demo logins, all sharing one password (hashed once: hashing is slow)."""
    password = make_password(DEMO_PASSWORD)
    names = {ADMIN_LOGIN: "Alex Morgan", COMMISSIONER_LOGIN: "Joanne Mensah"}
    for plan in SERVICE_PLANS:
        for person in [plan.manager, *[t.line_manager for t in plan.teams], *plan.practitioners]:
            if person.login:
                names[person.login] = person.name
    for username, name in names.items():
        first, last = split_name(name)
        is_admin = username == ADMIN_LOGIN
        world.users[username] = User.objects.create(
            username=username,
            email=username,
            first_name=first,
            last_name=last,
            password=password,
            is_staff=is_admin,
            is_superuser=is_admin,
        )
    CommissionerMembership.objects.create(
        user=world.users[COMMISSIONER_LOGIN], organisation=world.organisations[COMMISSIONER]
    )
    for plan in SERVICE_PLANS:
        world.services[plan.name].managers.add(world.users[plan.manager.login])


def create_staff(world: World) -> None:
    """Service managers, then line managers reporting to them, then practitioners."""
    for plan in SERVICE_PLANS:
        manager = add_staff(
            world,
            plan,
            plan.manager,
            StaffMember.Role.SERVICE_MANAGER,
            None,
            world.rng.randint(2500, 7000),
        )
        for team in plan.teams:
            line_manager = add_staff(
                world,
                plan,
                team.line_manager,
                StaffMember.Role.LINE_MANAGER,
                manager,
                world.rng.randint(1500, 5500),
            )
            for person in team.reports:
                role = (
                    StaffMember.Role.SENIOR_PRACTITIONER
                    if person.senior
                    else StaffMember.Role.PRACTITIONER
                )
                days = person.nq_days or world.rng.randint(400, 4500)
                add_staff(world, plan, person, role, line_manager, days)


def add_staff(
    world: World,
    plan: ServicePlan,
    person: PersonPlan,
    role: str,
    line_manager: StaffMember | None,
    days_in_post: int,
) -> StaffMember:
    staff = StaffMember.objects.create(
        user=world.user_for(person),
        service=world.services[plan.name],
        full_name=person.name,
        email=email_for(person.name, plan.domain),
        job_title=person.job_title,
        role=role,
        line_manager=line_manager,
        start_date=world.today - timedelta(days=days_in_post),
        newly_qualified=person.nq_days is not None,
    )
    world.staff[person.name] = staff
    if person.login:
        world.staff_by_login[person.login] = staff
    world.people[person.name] = person
    world.service_of[person.name] = plan
    return staff


# --------------------------------------------------------------------------------------
# Commissioning: programme, stages, agreements, standards, resources
# --------------------------------------------------------------------------------------


def create_programme(world: World) -> None:
    programme = Programme.objects.create(
        name=PROGRAMME_NAME,
        commissioning_organisation=world.organisations[COMMISSIONER],
        practice_model=PRACTICE_MODEL,
        description=(
            "A three-year programme to embed trauma-informed, relational practice across "
            "family help, children in care and edge of care services. Training is the "
            "start: the programme commissions supervision, coaching, champions and "
            "fidelity reflection so that practice changes and stays changed."
        ),
        start_date=world.start,
        end_date=world.start + timedelta(days=PROGRAMME_LENGTH_DAYS),
    )
    programme.lead_commissioners.add(world.users[COMMISSIONER_LOGIN])
    milestone_templates_seed(programme=programme)  # its checklist: STAGE_MILESTONES and more
    world.programme = programme
    for plan in SERVICE_PLANS:
        world.participations[plan.name] = Participation.objects.create(
            programme=programme,
            service=world.services[plan.name],
            current_stage=plan.current_stage,
            joined_on=world.day(plan.joined),
        )


def create_stages_and_milestones(world: World) -> None:
    records, milestones = [], []
    for plan in SERVICE_PLANS:
        participation = world.participations[plan.name]
        for stage, started, completed in plan.stages:
            records.append(
                StageRecord(
                    participation=participation,
                    stage=stage,
                    started_on=world.day(started),
                    completed_on=world.day(completed) if completed is not None else None,
                )
            )
            milestones += stage_milestones(world, plan, participation, stage, started, completed)
    # Each milestone is the programme checklist's item of the same title.
    templates = {(t.stage, t.title): t for t in world.programme.milestone_templates.all()}
    for milestone in milestones:
        milestone.template = templates.get((milestone.stage, milestone.title))
    StageRecord.objects.bulk_create(records)
    Milestone.objects.bulk_create(milestones)


def stage_milestones(
    world: World,
    plan: ServicePlan,
    participation: Participation,
    stage: str,
    started: int,
    completed: int | None,
) -> list[Milestone]:
    """A stage's checklist: due dates spread across the stage, and the done ones dated.

    A finished stage has every milestone done, the last on the day the stage ended; a
    stage in progress has done all but the plan's pending milestones, spread between the
    day it started and today (some ahead of their due date).
    """
    titles = STAGE_MILESTONES[stage]
    end = completed if completed is not None else started + PLANNED_STAGE_DAYS[stage]
    milestones = []
    for position, title in enumerate(titles):
        due = started + (position + 1) * (end - started) // len(titles)
        done_at = milestone_done_at(plan, title, due + world.rng.randint(-6, 8))
        if completed is None:
            spread = (position + 1) * (PROGRAMME_AGE_DAYS - started) // (len(titles) + 1)
            finished_by = started + spread
        else:
            finished_by = completed
            if position == len(titles) - 1:
                done_at = completed
        is_done = completed is not None or title not in plan.pending_milestones
        milestones.append(
            Milestone(
                participation=participation,
                stage=stage,
                title=title,
                position=position,
                due_on=world.day(due),
                completed_on=world.day(min(finished_by, max(started, done_at)))
                if is_done
                else None,
            )
        )
    return milestones


def milestone_done_at(plan: ServicePlan, title: str, otherwise: int) -> int:
    """When a milestone was done: the date of the event it records, where there is one."""
    if title == "Wave 1 champions trained":
        return WAVE_1_TRAINING[1]
    if title == "Co-commissioning agreement signed":
        signed = [a.manager_signed for a in plan.agreements if a.manager_signed is not None]
        return signed[0] if signed else otherwise
    return otherwise


def create_agreements(world: World) -> None:
    tags = {name: PressureTag.objects.get_or_create(name=name)[0] for name in PRESSURE_TAGS}
    commissioner = world.users[COMMISSIONER_LOGIN]
    for plan in SERVICE_PLANS:
        manager = world.users[plan.manager.login]
        for version in plan.agreements:
            agreement = Agreement.objects.create(
                participation=world.participations[plan.name],
                version=version.version,
                status=version.status,
                headcount=plan.headcount,
                vacancies=plan.snapshot.vacancies,
                agency_share_percent=plan.snapshot.agency_share,
                typical_caseload=plan.snapshot.caseload,
                turnover_percent=plan.snapshot.turnover,
                pressures=version.pressures,
                protected_supervision_minutes_per_month=version.supervision_minutes,
                cpd_release_hours_per_year=version.cpd_hours,
                cohort_places_per_wave=version.places,
                created=world.at(world.day(version.created), 10),
                **sign_off(world, commissioner, version.commissioner_signed, "commissioner"),
                **sign_off(world, manager, version.manager_signed, "service_manager"),
            )
            agreement.pressure_tags.set([tags[name] for name in plan.pressure_tags])


def sign_off(world: World, user: User, offset: int | None, side: str) -> dict:
    if offset is None:
        return {}
    return {f"{side}_signed_by": user, f"{side}_signed_at": world.at(world.day(offset), 15, 30)}


def create_standards(world: World) -> None:
    standards = Standards.objects.create(
        programme=world.programme,
        min_session_minutes=90,
        coaching_interval_days=42,
        clinical_supervision_available=True,
        cpd_hours_per_year=CPD_HOURS_PER_YEAR,
        cpd_pieces_per_year=2,
        cpd_peer_reflection_pieces=1,
        fidelity_check_interval_days=56,
        resource_review_months=12,
        small_number_threshold=5,
    )
    line_management = SupervisionType.LINE_MANAGEMENT
    rules = [
        # supervision type, newly qualified, from week, to week, interval in days
        (line_management, True, 0, 6, 7),
        (line_management, True, 6, 26, 14),
        (line_management, True, 26, None, 30),
        (line_management, False, 0, None, 30),
        (SupervisionType.REFLECTIVE, False, 0, None, 42),
        (SupervisionType.COACHING, False, 0, None, 42),
        (SupervisionType.GROUP_REFLECTIVE, False, 0, None, 30),
    ]
    CadenceRule.objects.bulk_create(
        [
            CadenceRule(
                standards=standards,
                supervision_type=kind,
                newly_qualified=nq,
                from_week=start,
                to_week=end,
                interval_days=interval,
            )
            for kind, nq, start, end, interval in rules
        ]
    )


def create_resources(world: World) -> None:
    organisation = world.organisations[COMMISSIONER]
    for title, evidence, source, owner, description, age in RESOURCES:
        last_reviewed = world.today - timedelta(days=age)
        slug = "-".join(title.lower().replace(":", "").split()[:6])
        world.resources[title] = Resource.objects.create(
            organisation=organisation,
            title=title,
            description=description,
            url=f"https://library.northshire.example/resources/{slug}",
            evidence_level=evidence,
            source=source,
            owner=owner,
            last_reviewed=last_reviewed,
            review_by=last_reviewed + timedelta(days=365),
        )


# --------------------------------------------------------------------------------------
# Cohorts: screening, waves, training
# --------------------------------------------------------------------------------------


def screened_people(plan: ServicePlan) -> list[PersonPlan]:
    """Everyone nominated for a wave, then others in plan order, up to the plan's count.

    Only people already in post when screening started.
    """
    in_post_days = PROGRAMME_AGE_DAYS - plan.screened_from
    in_post = [p for p in plan.practitioners if p.nq_days is None or p.nq_days > in_post_days]
    chosen = [p for p in in_post if p.champion or p.withdrew or p.wave2]
    others = [p for p in in_post if p not in chosen]
    return chosen + others[: max(0, plan.screen_count - len(chosen))]


def create_screenings(world: World) -> None:
    screenings, ratings = [], []
    for plan in SERVICE_PLANS:
        for index, person in enumerate(screened_people(plan)):
            staff = world.staff[person.name]
            screener = screener_for(world, plan, staff)
            scores = screening_scores(world.rng, person)
            screening = Screening(
                staff=staff,
                programme=world.programme,
                screened_by=screener,
                screened_on=world.day(plan.screened_from + index * 2),
                practitioner_interest=interest_for(world.rng, person),
                already_practising=person.practising,
                total_score=sum(scores.values()),
            )
            screenings.append(screening)
            ratings += [
                ScreeningRating(
                    screening=screening,
                    criterion=criterion,
                    rating=rating,
                    evidence=SCREENING_EVIDENCE[criterion][rating],
                )
                for criterion, rating in scores.items()
            ]
    Screening.objects.bulk_create(screenings)  # sets the pks the ratings point at
    ScreeningRating.objects.bulk_create(ratings)


def screener_for(world: World, plan: ServicePlan, staff: StaffMember) -> User:
    """The line manager screens where they have a login; otherwise the service manager."""
    line_manager = staff.line_manager
    if line_manager is not None and line_manager.user is not None:
        return line_manager.user
    return world.users[plan.manager.login]


def screening_scores(rng: random.Random, person: PersonPlan) -> dict[str, int]:
    """Ratings 0–3 per criterion, higher for the people who were chosen."""
    if person.champion or person.withdrew or person.practising:
        alignment = rng.uniform(0.75, 0.95)
    elif person.wave2:
        alignment = rng.uniform(0.6, 0.85)
    else:
        alignment = rng.uniform(0.3, 0.75)
    scores = {}
    for criterion in Criterion:
        if criterion == Criterion.DIRECT_WORK:
            scores[criterion.value] = 3 if rng.random() < 0.85 else 2
        else:
            scores[criterion.value] = clamp(alignment * 3 + rng.uniform(-0.7, 0.7), 0, 3)
    return scores


def interest_for(rng: random.Random, person: PersonPlan) -> str:
    if person.champion or person.withdrew or person.wave2:
        return Screening.Interest.INTERESTED
    return rng.choices(
        [Screening.Interest.INTERESTED, Screening.Interest.NOT_NOW, Screening.Interest.NOT_ASKED],
        weights=[55, 30, 15],
    )[0]


def create_cohorts(world: World) -> None:
    world.wave1 = Cohort.objects.create(
        programme=world.programme,
        wave=1,
        name="Champions",
        planned_size=12,
        training_start=world.wave1_start,
        training_end=world.wave1_end,
        status=Cohort.Status.COMPLETED,
    )
    world.wave2 = Cohort.objects.create(
        programme=world.programme,
        wave=2,
        name="Widening out",
        planned_size=16,
        training_start=world.day(WAVE_2_TRAINING[0]),
        training_end=world.day(WAVE_2_TRAINING[1]),
        status=Cohort.Status.PLANNED,
    )
    memberships = []
    for name, person in world.people.items():
        nominated_by = world.users[world.service_of[name].manager.login]
        if person.champion or person.withdrew:
            memberships.append(
                Membership(
                    cohort=world.wave1,
                    staff=world.staff[name],
                    status=wave1_status(world.rng, person),
                    withdrawn_reason=person.withdrew,
                    nominated_by=nominated_by,
                )
            )
        if person.wave2:
            memberships.append(
                Membership(
                    cohort=world.wave2,
                    staff=world.staff[name],
                    status=person.wave2,
                    nominated_by=nominated_by,
                )
            )
    Membership.objects.bulk_create(memberships)


def wave1_status(rng: random.Random, person: PersonPlan) -> str:
    if person.withdrew:
        return Membership.Status.WITHDRAWN
    if person.login or rng.random() < 0.7:
        return Membership.Status.ACTIVE
    return Membership.Status.TRAINED


def champions(world: World) -> list[StaffMember]:
    """Wave 1 members who completed the training, in plan order."""
    return [world.staff[name] for name, person in world.people.items() if person.champion]


def create_training(world: World) -> None:
    completions = [
        TrainingCompletion(
            staff=staff,
            programme=world.programme,
            course=TrainingCompletion.Course.PRACTITIONER,
            completed_on=world.wave1_end,
        )
        for staff in champions(world)
    ]
    for name, person in world.people.items():
        if person.trained:
            completions.append(
                TrainingCompletion(
                    staff=world.staff[name],
                    programme=world.programme,
                    course=TrainingCompletion.Course.LINE_MANAGER,
                    completed_on=world.day(world.rng.randint(72, 100)),
                )
            )
    TrainingCompletion.objects.bulk_create(completions)


# --------------------------------------------------------------------------------------
# Supervision, coaching and CPD
# --------------------------------------------------------------------------------------

SESSION_PROFILES: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {
    # minutes range, reflective-percent range
    SupervisionType.LINE_MANAGEMENT: ((50, 100), (15, 40)),
    SupervisionType.REFLECTIVE: ((60, 90), (60, 90)),
    SupervisionType.CLINICAL: ((60, 90), (60, 90)),
    SupervisionType.COACHING: ((45, 75), (50, 80)),
    SupervisionType.GROUP_REFLECTIVE: ((90, 120), (70, 95)),
}


def cadence_dates(
    rng: random.Random,
    first: date,
    last: date,
    interval: Callable[[date], int],
    jitter: tuple[int, int],
) -> list[date]:
    """Dates from ``first`` to ``last``, ``interval(day)`` apart give or take ``jitter``."""
    dates, day = [], first
    while day <= last:
        dates.append(day)
        day += timedelta(days=max(1, interval(day) + rng.randint(*jitter)))
    return dates


def line_management_interval(staff: StaffMember) -> Callable[[date], int]:
    """Weekly to week 6, fortnightly to week 26, then monthly for the newly qualified."""

    def interval(day: date) -> int:
        if not staff.newly_qualified:
            return 30
        weeks = (day - staff.start_date).days // 7
        return 7 if weeks < 6 else 14 if weeks < 26 else 30

    return interval


def make_session(
    world: World,
    supervisee: StaffMember,
    kind: str,
    day: date,
    supervisor: StaffMember | None = None,
    external: str = "",
    minutes: tuple[int, int] | None = None,
) -> SupervisionSession:
    rng = world.rng
    minutes_range, reflective_range = SESSION_PROFILES[kind]
    low, high = minutes or minutes_range
    reflective = rng.randint(*reflective_range)
    if kind == SupervisionType.LINE_MANAGEMENT:  # more reflective as the programme beds in
        reflective += round(20 * max(0, (day - world.start).days) / PROGRAMME_AGE_DAYS)
    held_on = working_day(day, world.today)
    logger = supervisee.user_id or (supervisor.user_id if supervisor else None)
    affirm_after = rng.randint(1, 4)
    affirmed = (
        supervisor is not None
        and rng.random() < 0.6
        and (day + timedelta(days=affirm_after) <= world.today)
    )
    concern = rng.random()
    return SupervisionSession(
        supervisee=supervisee,
        supervisor=supervisor,
        external_supervisor=external,
        held_on=held_on,
        supervision_type=kind,
        minutes=rng.randrange(low, high + 1, 5),
        reflective_percent=min(100, reflective),
        wellbeing_checked=rng.random() < (0.8 if kind == SupervisionType.LINE_MANAGEMENT else 0.95),
        vicarious_trauma_concern=(
            SupervisionSession.Concern.MODERATE
            if concern < 0.03
            else SupervisionSession.Concern.LOW
            if concern < 0.28
            else SupervisionSession.Concern.NONE
        ),
        notes="" if rng.random() < 0.2 else rng.choice(SESSION_NOTES[kind]),
        logged_by_id=logger,
        logged_at=world.at(held_on, rng.randint(14, 17), rng.choice((0, 15, 30, 45))),
        affirmed_at=(
            world.at(held_on + timedelta(days=affirm_after), rng.randint(9, 12))
            if affirmed
            else None
        ),
    )


def create_supervision(world: World) -> None:
    sessions = []
    for name, staff in world.staff.items():
        if staff.line_manager is None:
            continue
        plan, person = world.service_of[name], world.people[name]
        sessions += line_management_sessions(world, staff, person)
        if staff.role == StaffMember.Role.LINE_MANAGER:
            sessions += coaching_sessions(world, staff, plan)
            sessions += external_sessions(world, staff, CLINICAL_SUPERVISOR_MANAGERS, 56)
        elif plan.practitioner_clinical_supervisor:
            sessions += external_sessions(world, staff, plan.practitioner_clinical_supervisor, 35)
        else:
            sessions += reflective_sessions(world, staff)
    for plan in SERVICE_PLANS:
        sessions += group_reflective_sessions(world, plan)
    SupervisionSession.objects.bulk_create(sessions, batch_size=500)
    for session in sorted(sessions, key=lambda s: s.held_on):
        world.last_session[session.supervisee.full_name, session.supervision_type] = session.held_on


def first_session(world: World, staff: StaffMember, not_before: date, spread: int) -> date:
    """A person's first session in the period: after they started, staggered."""
    if staff.start_date >= not_before:
        return staff.start_date + timedelta(days=3)
    return not_before + timedelta(days=world.rng.randint(0, spread))


def line_management_sessions(
    world: World, staff: StaffMember, person: PersonPlan
) -> list[SupervisionSession]:
    rng = world.rng
    last = world.today - timedelta(days=person.lapsed_days)
    days = cadence_dates(
        rng,
        first_session(world, staff, world.start, 25),
        last,
        line_management_interval(staff),
        (-3, 4),
    )
    minutes = (45, 75) if staff.newly_qualified else None  # shorter, more often
    return [
        make_session(
            world,
            staff,
            SupervisionType.LINE_MANAGEMENT,
            day,
            supervisor=staff.line_manager,
            minutes=minutes,
        )
        for day in days
    ]


def reflective_sessions(world: World, staff: StaffMember) -> list[SupervisionSession]:
    first = first_session(world, staff, world.start, 40) + timedelta(days=10)
    days = cadence_dates(world.rng, first, world.today, lambda day: 42, (-4, 9))
    return [
        make_session(world, staff, SupervisionType.REFLECTIVE, day, supervisor=staff.line_manager)
        for day in days
    ]


def external_sessions(
    world: World, staff: StaffMember, supervisor: str, interval: int
) -> list[SupervisionSession]:
    first = first_session(world, staff, world.start, interval)
    days = cadence_dates(world.rng, first, world.today, lambda day: interval, (-4, 8))
    return [
        make_session(world, staff, SupervisionType.CLINICAL, day, external=supervisor)
        for day in days
    ]


def coaching_sessions(
    world: World, line_manager: StaffMember, plan: ServicePlan
) -> list[SupervisionSession]:
    first = first_session(world, line_manager, world.day(plan.coaching_from), 14)
    days = cadence_dates(world.rng, first, world.today, lambda day: 42, (-5, 10))
    return [
        make_session(
            world, line_manager, SupervisionType.COACHING, day, supervisor=line_manager.line_manager
        )
        for day in days
    ]


def group_reflective_sessions(world: World, plan: ServicePlan) -> list[SupervisionSession]:
    """Monthly team sessions, one row per person who came."""
    if plan.group_reflective_from is None:
        return []
    sessions = []
    for team in plan.teams:
        facilitator = world.staff[team.line_manager.name]
        first = world.day(plan.group_reflective_from + world.rng.randint(0, 10))
        for day in cadence_dates(world.rng, first, world.today, lambda day: 30, (-3, 3)):
            minutes = world.rng.randrange(90, 121, 15)
            for person in team.reports:
                staff = world.staff[person.name]
                if staff.start_date <= day and world.rng.random() < 0.8:
                    sessions.append(
                        make_session(
                            world,
                            staff,
                            SupervisionType.GROUP_REFLECTIVE,
                            day,
                            supervisor=facilitator,
                            minutes=(minutes, minutes),
                        )
                    )
    return sessions


def create_cpd(world: World) -> None:
    rng, activities = world.rng, []
    for staff in world.staff.values():
        since = max(world.start, staff.start_date)
        span = (world.today - since).days
        for kind, title, hours, peer, resource in rng.sample(CPD_ACTIVITIES, rng.randint(2, 6)):
            activities.append(
                CpdActivity(
                    staff=staff,
                    kind=kind,
                    title=title,
                    done_on=max(
                        since, working_day(since + timedelta(rng.randint(0, span)), world.today)
                    ),
                    hours=Decimal(hours),
                    learning=rng.choice(CPD_LEARNING),
                    impact=rng.choice(CPD_IMPACT),
                    peer_reflection=peer or rng.random() < 0.15,
                    resource=world.resources.get(resource),
                )
            )
    CpdActivity.objects.bulk_create(activities, batch_size=500)
    world.cpd = activities


# --------------------------------------------------------------------------------------
# Outcomes: measures, measurement points, responses, service indicators
# --------------------------------------------------------------------------------------


def score_answers(
    measure: Measure, items: Sequence[MeasureItem], answers: Mapping[str, int]
) -> tuple[float, dict[str, float]]:
    """A response's score and subscale scores, by the same rules as a response completed
    online (outcomes.scoring)."""
    scored = scoring.score_answers(
        [scoring.Item(i.number, i.reverse_scored, i.subscale) for i in items],
        scoring.Scale(measure.scale_min, measure.scale_max, measure.scoring),
        answers,
    )
    return scored.score, scored.subscales


def create_measures() -> tuple[tuple[Measure, list[MeasureItem]], ...]:
    confidence = define_measure(
        CONFIDENCE_SLUG,
        name="Trauma-informed confidence scale (demo)",
        description="How confident practitioners feel using trauma-informed practice.",
        scale_min=1,
        scale_max=5,
        scale_labels=CONFIDENCE_LABELS,
        scoring=Measure.Scoring.MEAN,
        higher_is_better=True,
        reliability=0.85,
        reference_sd=0.6,
        clinical_cutoff=3.0,
        items=[(text, False, subscale) for subscale, text in CONFIDENCE_ITEMS],
    )
    stress = define_measure(
        STRESS_SLUG,
        name="Staff wellbeing check (demo)",
        description=(
            "A short check on how work has been affecting your wellbeing over the last two "
            "weeks. Higher scores mean more strain."
        ),
        scale_min=0,
        scale_max=4,
        scale_labels=STRESS_LABELS,
        scoring=Measure.Scoring.SUM,
        higher_is_better=False,
        reliability=0.8,
        reference_sd=3.5,
        clinical_cutoff=12.0,
        items=[(text, reverse, "") for text, reverse in STRESS_ITEMS],
    )
    return confidence, stress


def define_measure(
    slug: str, items: list[tuple[str, bool, str]], **fields
) -> tuple[Measure, list[MeasureItem]]:
    """Create or refresh a demonstration measure and its items."""
    measure, _ = Measure.objects.update_or_create(
        slug=slug,
        version="1",
        defaults={
            **fields,
            "licence": DEMO_LICENCE,
            "attribution": (
                "Written by the Launchpad team for demonstration only. Free to use and "
                "adapt; do not report results from it as evidence of impact."
            ),
            "is_demonstration": True,
            "status": Measure.Status.PUBLISHED,
            "published_at": timezone.now(),
        },
    )
    measure.items.all().delete()
    rows = MeasureItem.objects.bulk_create(
        [
            MeasureItem(
                measure=measure, number=number, text=text, reverse_scored=reverse, subscale=subscale
            )
            for number, (text, reverse, subscale) in enumerate(items, start=1)
        ]
    )
    return measure, rows


def create_outcomes(world: World) -> None:
    responses = []
    for measure, items in create_measures():
        points = create_measurement_points(world, measure)
        responses += wave1_responses(world, measure, items, points)
    MeasureResponse.objects.bulk_create(responses)


def create_measurement_points(world: World, measure: Measure) -> dict[str, MeasurementPoint]:
    kinds = MeasurementPoint.Kind
    start, end = MeasurementPoint.Anchor.TRAINING_START, MeasurementPoint.Anchor.TRAINING_END
    points = [
        (kinds.PRE, "Before training", start, -21, 28),
        (kinds.POST, "Six weeks after training", end, 42, 28),
        # Opens a little before six months so that, nine months into the programme, the
        # champions have a window open (the demo practitioner sees it on My practice).
        (kinds.FOLLOW_UP, "Six-month follow-up", end, 150, 60),
    ]
    return {
        kind: MeasurementPoint.objects.create(
            programme=world.programme,
            measure=measure,
            kind=kind,
            label=label,
            anchor=anchor,
            opens_after_days=opens,
            window_days=window,
        )
        for kind, label, anchor, opens, window in points
    }


def wave1_responses(
    world: World, measure: Measure, items: list[MeasureItem], points: dict[str, MeasurementPoint]
) -> list[MeasureResponse]:
    """Pre for every wave 1 nominee; post for most who trained (a few never returned it)."""
    rng = world.rng
    responses = []
    for name, person in world.people.items():
        if not (person.champion or person.withdrew):
            continue
        staff = world.staff[name]
        before = rng.uniform(2.4, 3.4) if measure.higher_is_better else rng.uniform(1.6, 2.8)
        gain = rng.gauss(0.55, 0.35) if measure.higher_is_better else rng.gauss(0.45, 0.45)
        pre_day = world.wave1_start - timedelta(days=rng.randint(2, 20))
        responses.append(
            measure_response(world, measure, items, points["pre"], staff, pre_day, before)
        )
        missed_post = rng.random() < 0.2 and not person.login
        if person.champion and not missed_post:
            after = before + gain if measure.higher_is_better else before - gain
            post_day = world.wave1_end + timedelta(days=42 + rng.randint(0, 25))
            responses.append(
                measure_response(world, measure, items, points["post"], staff, post_day, after)
            )
    return responses


def measure_response(
    world: World,
    measure: Measure,
    items: list[MeasureItem],
    point: MeasurementPoint,
    staff: StaffMember,
    day: date,
    level: float,
) -> MeasureResponse:
    """Answers scattered around a person's level (on the good-to-bad scale of the measure)."""
    answers = {}
    for item in items:
        answer = clamp(level + world.rng.gauss(0, 0.6), measure.scale_min, measure.scale_max)
        if item.reverse_scored:  # a positively worded item: answered the other way round
            answer = measure.scale_min + measure.scale_max - answer
        answers[str(item.number)] = answer
    score, subscales = score_answers(measure, items, answers)
    return MeasureResponse(
        staff=staff,
        point=point,
        cohort=world.wave1,
        measure=measure,
        items_answered=len(items),
        completed_at=world.at(day, world.rng.randint(9, 16), world.rng.choice((5, 20, 40))),
        answers=answers,
        score=score,
        subscale_scores=subscales,
    )


def month_starts(today: date, count: int) -> list[date]:
    """The first days of the ``count`` whole months before this one, oldest first."""
    months, year, month = [], today.year, today.month
    for _ in range(count):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        months.append(date(year, month, 1))
    return months[::-1]


def financial_quarter(day: date) -> tuple[int, int]:
    """The UK financial year (by its first calendar year) and quarter a date falls in."""
    year = day.year if day.month >= 4 else day.year - 1
    return year, (day.month - 4) % 12 // 3 + 1


def previous_quarter_label(day: date) -> str:
    """The financial quarter before the one ``day`` falls in, e.g. "2025–26 Q2"."""
    year, quarter = financial_quarter(day)
    year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return f"{year}–{(year + 1) % 100:02d} Q{quarter}"


def create_service_indicators(world: World) -> None:
    months = month_starts(world.today, 9)
    baseline_period = previous_quarter_label(world.start)
    values = []
    for plan in SERVICE_PLANS:
        for spec in plan.indicators:
            indicator = ServiceIndicator.objects.create(
                service=world.services[plan.name],
                name=spec.name,
                unit=spec.unit,
                higher_is_better=spec.higher_is_better,
                baseline_value=spec.baseline,
                baseline_period=baseline_period,
            )
            for index, month in enumerate(months):
                values.append(
                    IndicatorValue(
                        indicator=indicator,
                        period_start=month,
                        value=indicator_value(world.rng, spec, (index + 1) / len(months)),
                    )
                )
    IndicatorValue.objects.bulk_create(values)


def indicator_value(rng: random.Random, spec: IndicatorPlan, progress: float) -> float:
    direction = 1 if spec.higher_is_better else -1
    expected = spec.baseline * (1 + direction * spec.improvement * progress)
    noisy = max(0.0, expected + rng.gauss(0, spec.baseline * 0.12))
    return float(round(noisy)) if spec.whole_numbers else round(noisy, 1)


# --------------------------------------------------------------------------------------
# Fidelity
# --------------------------------------------------------------------------------------


def create_fidelity(world: World) -> None:
    tool = FidelityTool.objects.create(
        programme=world.programme,
        in_use=True,
        published=world.at(world.wave1_end, 9),
        name="Trauma-informed practice reflection",
        description=(
            "Six quick questions, one for each principle, about a recent piece of work. "
            "About three minutes. It is for learning and support, not for judging."
        ),
    )
    items = FidelityItem.objects.bulk_create(
        [
            FidelityItem(tool=tool, number=number, principle=principle, prompt=prompt)
            for number, (principle, prompt) in enumerate(FIDELITY_PROMPTS.items(), start=1)
        ]
    )
    checks, ratings = [], []
    for staff in champions(world):
        for check, scores in champion_checks(world, tool, items, staff):
            checks.append(check)
            ratings += [
                FidelityRating(check_record=check, item=item, rating=score)
                for item, score in zip(items, scores, strict=True)
            ]
    ask_for_support_in_latest_team_check(world, checks)
    respond_to_supervision_checks(world, checks)
    FidelityCheck.objects.bulk_create(checks)  # sets the pks the ratings point at
    FidelityRating.objects.bulk_create(ratings)
    tag_challenge_themes(checks)
    create_support_actions(world, [check for check in checks if check.support_wanted])
    world.fidelity_checks = checks


def tag_challenge_themes(checks: list[FidelityCheck]) -> None:
    """Each check's "what got in the way" tagged with its theme, so themes recur."""
    themes = {}
    for position, name in enumerate(THEMES, start=1):
        themes[name], _ = ChallengeTheme.objects.get_or_create(
            name=name, defaults={"position": position}
        )
    tagged = FidelityCheck.themes.through
    tagged.objects.bulk_create(
        tagged(fidelitycheck_id=check.pk, challengetheme_id=themes[name].pk)
        for check in checks
        if (name := GOT_IN_THE_WAY_THEMES.get(check.got_in_the_way))
    )


def respond_to_supervision_checks(world: World, checks: list[FidelityCheck]) -> None:
    """Practitioners answer most of the checks their line manager records with them."""
    for check in checks:
        if check.kind == FidelityCheck.Kind.SUPERVISION and check.completed_by_id:
            # Chosen by date, not by the random generator, so the rest of the demo is unchanged.
            check.response = CHECK_RESPONSES[check.done_on.toordinal() % len(CHECK_RESPONSES)]
            if check.response:
                check.responded_at = world.at(check.done_on + timedelta(days=1), 10)


def ask_for_support_in_latest_team_check(world: World, checks: list[FidelityCheck]) -> None:
    """The demo line manager's team's latest check asks for support, so an action is open."""
    line_manager = world.staff_by_login[LINE_MANAGER_LOGIN]
    team = [check for check in checks if check.staff.line_manager_id == line_manager.pk]
    latest = max(team, key=lambda check: check.done_on)
    latest.support_wanted = True
    latest.got_in_the_way = latest.got_in_the_way or GOT_IN_THE_WAY[0]


def champion_checks(
    world: World, tool: FidelityTool, items: list[FidelityItem], staff: StaffMember
) -> list[tuple[FidelityCheck, list[int]]]:
    """A check every six to eight weeks since training, rotating self, supervision, peer."""
    rng, person = world.rng, world.people[staff.full_name]
    first = world.wave1_end + timedelta(days=rng.randint(10, 24))
    days = cadence_dates(rng, first, world.today, lambda day: 49, (-7, 7))
    level, step = (3.3, -0.4) if person.drifting else (rng.uniform(2.4, 3.0), 0.15)
    kinds = [FidelityCheck.Kind.SELF, FidelityCheck.Kind.SUPERVISION, FidelityCheck.Kind.PEER]
    checks = []
    for number, day in enumerate(days):
        kind = kinds[number % len(kinds)]
        scores = [
            clamp(
                level + step * number + PRINCIPLE_OFFSETS[item.principle] + rng.gauss(0, 0.45), 1, 4
            )
            for item in items
        ]
        mean = fmean(scores)
        check = FidelityCheck(
            tool=tool,
            staff=staff,
            kind=kind,
            completed_by=check_author(staff, kind),
            done_on=working_day(day, world.today),
            went_well=rng.choice(WENT_WELL),
            got_in_the_way=rng.choice(GOT_IN_THE_WAY),
            support_wanted=mean < 2.3 or rng.random() < 0.1,
            mean_rating=mean,
        )
        checks.append((check, scores))
    return checks


def check_author(staff: StaffMember, kind: str) -> User | None:
    if kind == FidelityCheck.Kind.SELF:
        return staff.user
    if kind == FidelityCheck.Kind.SUPERVISION and staff.line_manager:
        return staff.line_manager.user
    return None  # a peer without a login, or a line manager without one


def create_support_actions(world: World, checks: list[FidelityCheck]) -> None:
    """An action for the line manager per request for support, due four weeks on.

    Actions due in the future are open; of those already due, the most recent is left
    overdue and the rest were done.
    """
    actions, overdue_left = [], False
    for index, check in enumerate(sorted(checks, key=lambda c: c.done_on, reverse=True)):
        due = check.done_on + timedelta(days=28)
        done_on = None
        if due < world.today:
            if overdue_left:
                done_on = min(due, check.done_on + timedelta(days=world.rng.randint(5, 20)))
            overdue_left = True
        actions.append(
            SupportAction(
                check_record=check,
                staff=check.staff,
                owner=check.staff.line_manager,
                description=SUPPORT_ACTIONS[index % len(SUPPORT_ACTIONS)],
                due_on=due,
                done_on=done_on,
                created=world.at(check.done_on, 16),
            )
        )
    SupportAction.objects.bulk_create(actions)


# --------------------------------------------------------------------------------------
# Reminders
# --------------------------------------------------------------------------------------


def create_reminders(world: World) -> None:
    """A few reminders for the demo practitioner and line manager, true to their records."""
    practitioner = world.staff_by_login[PRACTITIONER_LOGIN]
    line_manager = world.staff_by_login[LINE_MANAGER_LOGIN]
    practitioner_user = world.users[PRACTITIONER_LOGIN]
    line_manager_user = world.users[LINE_MANAGER_LOGIN]
    reports = [s for s in world.staff.values() if s.line_manager_id == line_manager.pk]
    line_management = SupervisionType.LINE_MANAGEMENT
    most_overdue = min(reports, key=lambda s: next_due(world, s, line_management))
    practitioner_next = min(
        (line_management, SupervisionType.REFLECTIVE),
        key=lambda kind: next_due(world, practitioner, kind),
    )
    Reminder.objects.bulk_create(
        [
            supervision_reminder(world, practitioner, practitioner_next, practitioner_user),
            fidelity_reminder(world, practitioner, practitioner_user),
            cpd_reminder(world, practitioner, practitioner_user),
            supervision_reminder(world, most_overdue, line_management, line_manager_user),
            supervision_reminder(world, line_manager, SupervisionType.COACHING, line_manager_user),
        ]
    )


def next_due(world: World, staff: StaffMember, kind: str) -> date:
    """When a supervision type is next due: the last session plus the cadence interval."""
    last = world.last_session[staff.full_name, kind]
    if kind == SupervisionType.LINE_MANAGEMENT:
        return last + timedelta(days=line_management_interval(staff)(last))
    return last + timedelta(days=42)  # reflective and coaching: every six weeks


def supervision_reminder(world: World, staff: StaffMember, kind: str, recipient: User) -> Reminder:
    due = next_due(world, staff, kind)
    overdue = due < world.today
    whose = "Your" if staff.user_id == recipient.pk else f"{staff.full_name}'s"
    what = (
        "coaching"
        if kind == SupervisionType.COACHING
        else f"{SupervisionType(kind).label.lower()} supervision"
    )
    if kind == SupervisionType.COACHING:
        reminder_kind = Reminder.Kind.COACHING_DUE
    elif overdue:
        reminder_kind = Reminder.Kind.SUPERVISION_OVERDUE
    else:
        reminder_kind = Reminder.Kind.SUPERVISION_DUE
    verb = "was due on" if overdue else "is due by"
    return reminder(
        recipient,
        reminder_kind,
        f"supervision:{kind}:{staff.pk}",
        due,
        f"{whose} {what} {verb} {due:%d/%m/%Y}.",
        created=world.now - timedelta(hours=2),
        emailed=True,
    )


def fidelity_reminder(world: World, staff: StaffMember, recipient: User) -> Reminder:
    """The reminder that came before the practitioner's latest fidelity reflection."""
    latest = max(
        (check for check in world.fidelity_checks if check.staff == staff),
        key=lambda check: check.done_on,
    )
    return reminder(
        recipient,
        Reminder.Kind.FIDELITY_DUE,
        f"fidelity:{staff.pk}",
        latest.done_on,
        "Your next fidelity reflection is due. It takes about three minutes.",
        created=world.at(latest.done_on - timedelta(days=3), 7),
        emailed=True,
        dismissed=True,
    )


def cpd_reminder(world: World, staff: StaffMember, recipient: User) -> Reminder:
    year_end = registration_year_end(world.today)
    year_start = date(year_end.year - 1, 12, 1)
    hours = sum(a.hours for a in world.cpd if a.staff == staff and a.done_on >= year_start)
    return reminder(
        recipient,
        Reminder.Kind.CPD_BEHIND,
        f"cpd:{staff.pk}",
        year_end,
        f"You have logged {hours:g} of {CPD_HOURS_PER_YEAR} CPD hours this registration "
        f"year, which ends on {year_end:%d/%m/%Y}.",
        created=world.now - timedelta(hours=26),
        emailed=True,
    )


def registration_year_end(today: date) -> date:
    """Social Work England registration years end on 30 November."""
    return date(today.year if today.month < 12 else today.year + 1, 11, 30)


def reminder(
    recipient: User,
    kind: str,
    item_key: str,
    due: date,
    message: str,
    created: datetime,
    emailed: bool = False,
    dismissed: bool = False,
) -> Reminder:
    return Reminder(
        recipient=recipient,
        kind=kind,
        item_key=item_key,
        due_period=due.isoformat(),
        message=message,
        created=created,
        emailed_at=created + timedelta(minutes=1) if emailed else None,
        dismissed_at=created + timedelta(hours=20) if dismissed else None,
    )
