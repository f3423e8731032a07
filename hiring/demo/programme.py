"""The default five-week programme: culture and values first, then the phones with a mentor beside you."""
from __future__ import annotations

from hiring.models import ProgrammeTask, SignOff, TaskOwner

NH, MENTOR, HR = TaskOwner.NEW_HIRE, TaskOwner.MENTOR, TaskOwner.HR

# (week, title, description, owner, required, sign-off)
DEFAULT_TASKS = [
    (1, "Welcome day", "Meet your cohort, your mentor and HR; get your badge and your logins.", HR, True, SignOff.NONE),
    (1, "The story of the company", "The history, the mission, and why service comes first.", NH, True, SignOff.NONE),
    (1, "The ten core values", "A session on each value, with the people who live it.", NH, True, SignOff.HR),
    (1, "Write your values reflection", "A page on which value means the most to you, and why.", NH, True, SignOff.MENTOR),
    (1, "Lunch with your mentor", "Get to know the person who will sit beside you on the phones.", MENTOR, False, SignOff.NONE),
    (2, "Products and policies", "What we sell, how returns work, and what you may decide yourself.", NH, True, SignOff.NONE),
    (2, "The customer systems", "Hands-on training in the order, ticket and phone systems.", NH, True, SignOff.MENTOR),
    (2, "Warehouse visit", "See where the orders go; meet the fulfilment team.", NH, False, SignOff.NONE),
    (2, "Listen in on calls", "Listen to twenty calls beside an experienced colleague.", NH, True, SignOff.MENTOR),
    (3, "Calls beside a coach", "Take calls with your mentor listening and helping.", NH, True, SignOff.MENTOR),
    (3, "Daily review with your mentor", "Fifteen minutes each day on what went well and what to try.", MENTOR, True, SignOff.NONE),
    (3, "Chat and e-mail basics", "Answer chats and e-mails with a coach reviewing each one.", NH, True, SignOff.MENTOR),
    (4, "Calls on your own", "Take calls alone; your mentor reviews a sample each day.", NH, True, SignOff.MENTOR),
    (4, "A WOW story", "Write down a call where you went beyond what the customer expected.", NH, True, SignOff.MENTOR),
    (4, "Mid-programme check-in", "A conversation with HR about how it is going.", HR, True, SignOff.NONE),
    (5, "Final call review", "Your mentor and a team lead review a day of your calls.", MENTOR, True, SignOff.MENTOR),
    (5, "Values conversation", "Talk with HR about the values, now that you have lived them for a month.", NH, True, SignOff.HR),
    (5, "Graduation", "Graduate with your cohort; The Offer follows.", HR, True, SignOff.NONE),
]

# The same programme in Dutch, task for task.
DEFAULT_TASKS_NL = [
    (1, "Welkomstdag", "Maak kennis met je groep, je mentor en HR; haal je pasje en je logins op.", HR, True, SignOff.NONE),
    (1, "Het verhaal van het bedrijf", "De geschiedenis, de missie, en waarom service voorop staat.", NH, True, SignOff.NONE),
    (1, "De tien kernwaarden", "Een sessie over elke waarde, met de mensen die haar naleven.", NH, True, SignOff.HR),
    (1, "Schrijf je reflectie op de waarden", "Een pagina over welke waarde het meest voor je betekent, en waarom.", NH, True, SignOff.MENTOR),
    (1, "Lunch met je mentor", "Leer de persoon kennen die naast je zit aan de telefoon.", MENTOR, False, SignOff.NONE),
    (2, "Producten en beleid", "Wat we verkopen, hoe retouren werken, en wat je zelf mag beslissen.", NH, True, SignOff.NONE),
    (2, "De klantsystemen", "Praktijktraining in het order-, ticket- en telefoonsysteem.", NH, True, SignOff.MENTOR),
    (2, "Bezoek aan het magazijn", "Zie waar de bestellingen heen gaan; ontmoet het fulfilmentteam.", NH, False, SignOff.NONE),
    (2, "Gesprekken meeluisteren", "Luister twintig gesprekken mee naast een ervaren collega.", NH, True, SignOff.MENTOR),
    (3, "Bellen naast een coach", "Neem gesprekken aan terwijl je mentor meeluistert en helpt.", NH, True, SignOff.MENTOR),
    (3, "Dagelijkse terugblik met je mentor", "Elke dag een kwartier over wat goed ging en wat je kunt proberen.", MENTOR, True, SignOff.NONE),
    (3, "Basis van chat en e-mail", "Beantwoord chats en e-mails terwijl een coach elk antwoord nakijkt.", NH, True, SignOff.MENTOR),
    (4, "Zelfstandig bellen", "Neem gesprekken alleen aan; je mentor beoordeelt elke dag een steekproef.", NH, True, SignOff.MENTOR),
    (4, "Een WOW-verhaal", "Schrijf een gesprek op waarin je verder ging dan de klant verwachtte.", NH, True, SignOff.MENTOR),
    (4, "Tussentijds gesprek", "Een gesprek met HR over hoe het gaat.", HR, True, SignOff.NONE),
    (5, "Laatste beoordeling van gesprekken", "Je mentor en een teamleider beoordelen een dag aan gesprekken.", MENTOR, True, SignOff.MENTOR),
    (5, "Gesprek over de waarden", "Praat met HR over de waarden, nu je ze een maand hebt beleefd.", NH, True, SignOff.HR),
    (5, "Diploma-uitreiking", "Rond het programma af met je groep; daarna volgt Het Aanbod.", HR, True, SignOff.NONE),
]
TASKS_BY_LOCALE = {"en": DEFAULT_TASKS, "nl": DEFAULT_TASKS_NL}


def default_programme(locale: str = "en") -> list[ProgrammeTask]:
    """New ProgrammeTask rows for the default programme in a language (not added to any session)."""
    tasks = []
    positions: dict[int, int] = {}
    for week, title, description, owner, required, sign_off in TASKS_BY_LOCALE[locale]:
        position = positions.get(week, 0)
        positions[week] = position + 1
        tasks.append(ProgrammeTask(week=week, position=position, title=title, description=description,
                                   owner=owner, required=required, sign_off=sign_off))
    return tasks
