"""The words of the demo data: categories, people and twelve courses (data only, no logic)."""

from __future__ import annotations

from dataclasses import dataclass

from lms_reflex.models import CourseStatus, Level

Color = tuple[int, int, int]

ADA = "ada.instructor@demo.lms"
MARCO = "marco.instructor@demo.lms"
PRIYA = "priya.instructor@demo.lms"


@dataclass(frozen=True)
class CourseSpec:
    """One demo course and its outline (section title -> lesson titles)."""

    slug: str
    title: str
    subtitle: str
    category: str
    instructor: str
    level: str
    price_cents: int
    status: str
    color: Color
    age_days: int
    description: str
    learn: tuple[str, ...]
    requirements: tuple[str, ...]
    tags: tuple[str, ...]
    sections: tuple[tuple[str, tuple[str, ...]], ...]
    language: str = "English"

    @property
    def lesson_count(self) -> int:
        """How many lessons the outline has."""
        return sum(len(lessons) for _, lessons in self.sections)


# (slug, name, description)
CATEGORIES: tuple[tuple[str, str, str], ...] = (
    ("programming", "Programming", "Write software: languages, tools and habits of good code."),
    ("data-science", "Data Science", "Turn raw data into answers with statistics, SQL and ML."),
    ("design", "Design", "Interfaces, typography and colour that people enjoy using."),
    ("business", "Business", "Run, fund and grow a company, from first idea to first hire."),
    ("languages", "Languages", "Speak with confidence: grammar, vocabulary and listening."),
    ("music", "Music", "Theory, instruments and ear training for curious musicians."),
)

# (email, first name, last name, bio)
INSTRUCTORS: tuple[tuple[str, str, str, str], ...] = (
    (ADA, "Ada", "Okafor", "Backend engineer for twelve years; teaches Python and the web."),
    (MARCO, "Marco", "Rossi", "Data scientist and former startup CFO. Likes clean spreadsheets."),
    (PRIYA, "Priya", "Nair", "Product designer, amateur guitarist and speaker of four languages."),
)

STUDENT_NAMES: tuple[tuple[str, str], ...] = (
    ("Liam", "Schmidt"), ("Olivia", "Haddad"), ("Noah", "Kowalski"), ("Emma", "Tanaka"),
    ("Mateo", "Garcia"), ("Amara", "Mensah"), ("Lucas", "Moreau"), ("Sofia", "Ivanova"),
    ("Ethan", "Brown"), ("Mia", "Nguyen"), ("Arjun", "Patel"), ("Chloe", "Dubois"),
    ("Kofi", "Asante"), ("Hannah", "Müller"), ("Diego", "Fernandez"), ("Yuki", "Sato"),
    ("Zara", "Ahmed"), ("Jonas", "Berg"), ("Leila", "Karimi"), ("Samuel", "Okoro"),
    ("Ines", "Costa"), ("Felix", "Wagner"), ("Aisha", "Bello"), ("Tomás", "Silva"),
    ("Nora", "Lindqvist"), ("Ravi", "Iyer"), ("Elena", "Popescu"), ("Omar", "Farouk"),
    ("Grace", "Kim"), ("Hugo", "Lefèvre"),
)  # fmt: skip

REVIEW_BODIES: dict[int, tuple[str, ...]] = {
    3: (
        "Good content, but the pace was a bit slow for me.",
        "Useful overview. I wish there were more exercises.",
        "Solid basics; the later sections felt rushed.",
    ),
    4: (
        "Clear explanations and nice short lessons. Would recommend.",
        "Very practical. A couple of videos could be shorter.",
        "Learned a lot in a few evenings. Good examples.",
    ),
    5: (
        "Exactly what I needed. The instructor explains things really well.",
        "Best course I have taken here so far!",
        "Short, focused and fun. I finally get it.",
        "Great structure, and the exercises made it stick.",
    ),
}


COURSES: tuple[CourseSpec, ...] = (
    CourseSpec(
        slug="python-for-absolute-beginners", title="Python for Absolute Beginners",
        subtitle="Write your first programs in a friendly, modern language",
        category="programming", instructor=ADA, level=Level.BEGINNER, price_cents=0,
        status=CourseStatus.PUBLISHED, color=(30, 64, 175), age_days=120,
        description="Never written code? Start here.\n\nWe install Python, then build small "
        "programs step by step: **variables**, *loops*, functions and files.",
        learn=("Install Python and run scripts", "Use variables, loops and functions",
               "Read and write files", "Break a problem into small steps"),
        requirements=("A computer with internet access",),
        tags=("python", "beginner", "programming"),
        sections=(("Getting started", ("Installing Python", "Your first script", "Using the REPL")),
                  ("Core ideas", ("Variables and types", "If, for and while")),
                  ("Putting it together", ("Functions", "A tiny to-do app"))),
    ),
    CourseSpec(
        slug="modern-web-apps-with-python", title="Modern Web Apps with Python",
        subtitle="Build, test and deploy a full-stack app without leaving Python",
        category="programming", instructor=ADA, level=Level.INTERMEDIATE, price_cents=1999,
        status=CourseStatus.PUBLISHED, color=(15, 118, 110), age_days=90,
        description="Go from a blank folder to a deployed app with a database, sign-in and "
        "tests.\n\n- Routing and templates\n- Databases with SQLModel\n- Deploying safely",
        learn=("Structure a web project", "Model data with SQLModel and migrations",
               "Add secure sign-in", "Deploy behind a reverse proxy"),
        requirements=("Comfortable with basic Python", "Know what HTML is"),
        tags=("python", "web", "sql", "deployment"),
        sections=(("Foundations", ("How the web works", "Project layout")),
                  ("Data", ("Tables and relations", "Migrations", "Queries that scale")),
                  ("Shipping", ("Testing the app", "Going live"))),
    ),
    CourseSpec(
        slug="git-and-github-essentials", title="Git and GitHub Essentials",
        subtitle="Stop emailing zip files: version control in one afternoon",
        category="programming", instructor=ADA, level=Level.BEGINNER, price_cents=0,
        status=CourseStatus.PUBLISHED, color=(194, 65, 12), age_days=60,
        description="Commits, branches and pull requests explained with pictures, not jargon.",
        learn=("Commit and undo changes", "Work with branches", "Open a pull request"),
        requirements=("None",), tags=("git", "github", "tools"),
        sections=(("Local history", ("Why version control", "Commits", "Undoing mistakes")),
                  ("Working together", ("Branches and merges", "Pull requests"))),
    ),
    CourseSpec(
        slug="data-analysis-with-pandas", title="Data Analysis with pandas",
        subtitle="Clean, explore and chart real data sets",
        category="data-science", instructor=MARCO, level=Level.INTERMEDIATE, price_cents=0,
        status=CourseStatus.PUBLISHED, color=(21, 128, 61), age_days=100,
        description="Load messy CSV files, fix them and answer questions with group-bys "
        "and charts.",
        learn=("Load and inspect data", "Clean missing and wrong values",
               "Group, join and reshape", "Make clear charts"),
        requirements=("Basic Python",), tags=("pandas", "python", "data"),
        sections=(("Loading data", ("DataFrames", "Reading CSV and Excel")),
                  ("Cleaning", ("Missing values", "Fixing types", "Duplicates")),
                  ("Answering questions", ("Group by", "Charts that tell a story"))),
    ),
    CourseSpec(
        slug="machine-learning-foundations", title="Machine Learning Foundations",
        subtitle="Models you can explain: regression, trees and honest evaluation",
        category="data-science", instructor=MARCO, level=Level.INTERMEDIATE, price_cents=2999,
        status=CourseStatus.PUBLISHED, color=(88, 28, 135), age_days=75,
        description="Understand what a model learns, how to test it fairly and when *not* "
        "to use machine learning.",
        learn=("Train and evaluate models", "Avoid data leakage", "Explain predictions"),
        requirements=("Basic Python", "High-school maths"),
        tags=("machine learning", "statistics", "python"),
        sections=(("The idea", ("What is a model?", "Train and test sets")),
                  ("Models", ("Linear regression", "Decision trees", "Overfitting")),
                  ("In practice", ("Metrics that matter", "Explaining results"))),
    ),
    CourseSpec(
        slug="sql-for-data-analysts", title="SQL for Data Analysts",
        subtitle="Ask your database questions and get answers in seconds",
        category="data-science", instructor=MARCO, level=Level.BEGINNER, price_cents=0,
        status=CourseStatus.PUBLISHED, color=(3, 105, 161), age_days=45,
        description="SELECT, JOIN and GROUP BY with a sample shop database.",
        learn=("Write SELECT queries", "Join tables", "Summarise with GROUP BY"),
        requirements=("None",), tags=("sql", "databases", "analytics"),
        sections=(("Querying", ("SELECT and WHERE", "Sorting and limits")),
                  ("Combining", ("Joins", "Aggregates", "Subqueries"))),
    ),
    CourseSpec(
        slug="ui-design-fundamentals", title="UI Design Fundamentals",
        subtitle="Layout, type and colour for people who are not designers (yet)",
        category="design", instructor=PRIYA, level=Level.BEGINNER, price_cents=0,
        status=CourseStatus.PUBLISHED, color=(190, 24, 93), age_days=80,
        description="Make screens that are easy to read and use, with a handful of rules.",
        learn=("Use spacing and alignment", "Pick readable type", "Build an accessible palette"),
        requirements=("None",), tags=("ui", "design", "accessibility"),
        sections=(("Layout", ("Grids and spacing", "Visual hierarchy")),
                  ("Type and colour", ("Choosing fonts", "Colour and contrast", "Dark mode"))),
    ),
    CourseSpec(
        slug="startup-finance-basics", title="Startup Finance Basics",
        subtitle="Runway, unit economics and your first investor update",
        category="business", instructor=MARCO, level=Level.BEGINNER, price_cents=1999,
        status=CourseStatus.PUBLISHED, color=(161, 98, 7), age_days=30,
        description="The numbers every founder should know, explained with a simple model.",
        learn=("Compute burn and runway", "Understand unit economics", "Write an investor update"),
        requirements=("A spreadsheet app",), tags=("startups", "finance"),
        sections=(("Cash", ("Burn rate", "Runway")),
                  ("Growth", ("Unit economics", "Pricing experiments")),
                  ("Investors", ("Cap tables", "Monthly updates"))),
    ),
    CourseSpec(
        slug="spanish-for-travellers", title="Spanish for Travellers",
        subtitle="Order food, ask for directions and make friends",
        category="languages", instructor=PRIYA, level=Level.BEGINNER, price_cents=0,
        status=CourseStatus.PUBLISHED, color=(220, 38, 38), age_days=20,
        description="Short dialogues and the 300 words you will actually use on a trip.",
        learn=("Greet people and introduce yourself", "Order in a restaurant", "Ask for help"),
        requirements=("None",), tags=("spanish", "travel"), language="English",
        sections=(("Hola!", ("Greetings", "Numbers and prices")),
                  ("Out and about", ("At the restaurant", "Directions", "At the hotel"))),
    ),
    CourseSpec(
        slug="music-theory-for-guitarists", title="Music Theory for Guitarists",
        subtitle="Scales, chords and why they sound good together",
        category="music", instructor=PRIYA, level=Level.ALL, price_cents=0,
        status=CourseStatus.DRAFT, color=(67, 56, 202), age_days=10,
        description="Draft: the fretboard, the major scale and building chords.",
        learn=("Find notes on the fretboard", "Build major and minor chords"),
        requirements=("A guitar",), tags=("guitar", "music theory"),
        sections=(("The fretboard", ("Notes and octaves", "The major scale")),
                  ("Chords", ("Triads", "Progressions"))),
    ),
    CourseSpec(
        slug="product-management-101", title="Product Management 101",
        subtitle="Decide what to build next, and say no to the rest",
        category="business", instructor=ADA, level=Level.BEGINNER, price_cents=0,
        status=CourseStatus.DRAFT, color=(71, 85, 105), age_days=5,
        description="Draft: interviews, roadmaps and measuring outcomes.",
        learn=("Run user interviews", "Write a one-page roadmap"),
        requirements=("None",), tags=("product", "management"),
        sections=(("Discovery", ("Talking to users", "Finding the problem")),
                  ("Delivery", ("Roadmaps", "Measuring outcomes"))),
    ),
    CourseSpec(
        slug="python-2-to-3-migration", title="Migrating from Python 2 to 3",
        subtitle="A retired course kept for existing students",
        category="programming", instructor=ADA, level=Level.ADVANCED, price_cents=0,
        status=CourseStatus.ARCHIVED, color=(82, 82, 91), age_days=400,
        description="Archived: Python 2 reached its end of life in 2020.",
        learn=("Port code with modern tools", "Handle text and bytes"),
        requirements=("Python 2 experience",), tags=("python", "legacy"),
        sections=(("Preparing", ("Test coverage first", "Automatic tools")),
                  ("Porting", ("Strings and bytes", "Division and printing"))),
    ),
)  # fmt: skip
