"""De woorden van het demobedrijf in het Nederlands: kernwaarden met ankers en vragen, en vacatures.

The same shape as content.py, chosen by `flask seed-demo --locale nl`.
"""
from __future__ import annotations

from hiring.demo.content import FIRST_NAMES, LAST_NAMES  # noqa: F401  (names are the same in both languages)

# (naam, omschrijving, ankers 1-5, vragen). De tien waarden die de artikelen van Zappos citeren.
CORE_VALUES = [
    ("Lever WOW via service",
     "Ga verder dan de klant verwacht, elke keer, op een manier die bijblijft.",
     ["Ziet service als een script om af te werken; geen voorbeeld van verder gaan.",
      "Helpt als het gevraagd wordt, maar stopt bij wat de regels vereisen.",
      "Geeft goede, vriendelijke service en noemt een moment waarop hij of zij net iets verder ging.",
      "Meerdere concrete voorbeelden van een klant of collega verrassen, uit zichzelf.",
      "Maakt van verwachtingen overtreffen een gewoonte en helpt anderen daarbij; voorbeelden zijn specifiek en recent."],
     "Vertel over een keer dat je meer voor iemand deed dan die verwachtte.\n"
     "Wat is de beste service die je ooit kreeg, en wat maakte die zo goed?"),
    ("Omarm en stuur verandering",
     "Verwelkom verandering, en begin ermee als het beter kan.",
     ["Beschrijft verandering als iets wat hem of haar overkwam en neemt het nog steeds kwalijk.",
      "Accepteert verandering als die wordt opgelegd, zonder enthousiasme.",
      "Past zich goed aan en legt uit waarom een doorgemaakte verandering de moeite waard was.",
      "Heeft een verandering voorgesteld en doorgezet.",
      "Zoekt op wat anders moet, neemt mensen mee en leert van wat niet werkte."],
     "Beschrijf een verandering op het werk waar je het eerst niet mee eens was. Wat deed je?\n"
     "Wat heb je veranderd aan de manier waarop je team werkt?"),
    ("Zorg voor plezier en een beetje eigenaardigheid",
     "Werk is beter als mensen zichzelf kunnen zijn en ervan genieten.",
     ["Vindt plezier op het werk onprofessioneel.",
      "Accepteert het bij anderen, maar houdt afstand.",
      "Doet mee en is prettig om mee samen te werken.",
      "Creëert momenten die een team samenbrengen.",
      "Maakt een werkplek lichter en menselijker, met gevoel voor wanneer het niet past."],
     "Wat is er een beetje eigenaardig aan jou?\nHoe heb je de dag van een team beter gemaakt?"),
    ("Wees avontuurlijk, creatief en onbevangen",
     "Probeer nieuwe dingen en wees niet bang voor fouten.",
     ["Vermijdt alles wat nieuw is; geeft anderen de schuld van mislukkingen.",
      "Probeert alleen iets nieuws als het moet.",
      "Staat open voor ideeën en heeft iets nieuws geprobeerd met een redelijk resultaat.",
      "Experimenteert regelmatig en deelt wat hij of zij leerde, ook van mislukkingen.",
      "Leidt gedurfde experimenten en maakt van fouten lessen voor anderen."],
     "Vertel over een risico dat je op het werk nam. Hoe pakte het uit?\nWat leerde je van een fout?"),
    ("Blijf groeien en leren",
     "Daag jezelf uit en word steeds beter.",
     ["Kan niets noemen wat hij of zij onlangs leerde.",
      "Leert wat de functie vraagt en stopt daar.",
      "Heeft zichzelf iets nieuws geleerd en toegepast.",
      "Stelt zichzelf leerdoelen en vraagt om feedback.",
      "Groeit voortdurend en helpt anderen groeien; feedback verandert wat hij of zij doet."],
     "Wat heb je jezelf het afgelopen jaar geleerd?\nWelke feedback veranderde hoe je werkt?"),
    ("Bouw open en eerlijke relaties door communicatie",
     "Zeg wat je denkt, vriendelijk; luister naar wat anderen zeggen.",
     ["Verzwijgt problemen of praat over mensen in plaats van met hen.",
      "Eerlijk als het direct gevraagd wordt, maar vermijdt moeilijke gesprekken.",
      "Communiceert open en gaat respectvol om met een meningsverschil.",
      "Brengt moeilijke onderwerpen vroeg ter sprake en luistert goed.",
      "Bouwt vertrouwen in een heel team; mensen brengen slecht nieuws eerst bij hem of haar."],
     "Vertel over een moeilijk gesprek met een collega.\nWanneer gaf je voor het laatst toe dat je ongelijk had?"),
    ("Bouw aan een positieve team- en familiegeest",
     "Zet het team voorop en zorg voor elkaar.",
     ["Praat alleen over 'ik'; doet collega's af.",
      "Werkt samen als het moet, maar werkt voor zichzelf.",
      "Een betrouwbaar teamlid dat helpt als het gevraagd wordt.",
      "Helpt collega's ongevraagd en deelt de eer.",
      "Maakt het hele team sterker; anderen zoeken hem of haar op."],
     "Vertel over een keer dat je het doel van het team boven je eigen doel stelde.\n"
     "Hoe hielp je een collega die het moeilijk had?"),
    ("Doe meer met minder",
     "Wees vindingrijk en zuinig op wat het bedrijf heeft.",
     ["Vraagt om meer voordat hij of zij iets probeert; slordig met middelen.",
      "Werkt met wat er is, zonder het te verbeteren.",
      "Vindt verstandige manieren om tijd of geld te besparen.",
      "Heeft een duidelijk resultaat geleverd met minder middelen dan verwacht.",
      "Verandert de manier van werken zodat iedereen meer kan doen met minder."],
     "Beschrijf een keer dat je iets bereikte met heel weinig.\nWelke verspilling heb je weggenomen?"),
    ("Wees gepassioneerd en vastberaden",
     "Geef om het werk en zet door als het moeilijk is.",
     ["Geeft op bij het eerste obstakel; onverschillig over het werk.",
      "Maakt af wat moet, met weinig energie.",
      "Toont echte interesse en maakt moeilijke taken af.",
      "Brengt energie die anderen opmerken en zet door bij tegenslag.",
      "Zijn of haar vastberadenheid draagt een team door moeilijke tijden."],
     "Waar ben je gepassioneerd over, op het werk of daarbuiten?\nVertel over een doel dat je tegen de verwachting in bereikte."),
    ("Wees bescheiden",
     "Zelfverzekerd, maar nooit boven iemand of een taak verheven.",
     ["Arrogant; eist de eer op en kijkt neer op eenvoudige taken.",
      "Beleefd, maar houdt afstand van 'minder' werk.",
      "Bescheiden over successen en bereid elke taak te doen.",
      "Geeft anderen ruimhartig de eer en vraagt zonder gêne om hulp.",
      "Dient anderen eerst; gerespecteerd omdat het nooit hoeft."],
     "Vertel over een succes en wie er nog meer aan bijdroeg.\nWelke taak doe je waar niemand om vroeg?"),
]

# (titel, omschrijving, drempel functie-eisen, drempel waarden, functie-eisen) met elke functie-eis als
# (naam, gewicht, vereist, omschrijving, vragen).
JOBS = [
    ("Medewerker Klantloyaliteitsteam",
     "Help klanten via telefoon, chat en e-mail, en maak van elk contact er een dat bijblijft.",
     60, 65,
     [("Telefonische vaardigheid", 3, True, "Warm, duidelijk en geduldig aan de telefoon.",
       "Rollenspel: een boze klant belt over een late levering."),
      ("Probleemoplossing", 2, True, "Vindt de echte vraag achter de woorden van de klant.",
       "Vertel over een probleem dat je voor een klant oploste."),
      ("Schriftelijke communicatie", 2, False, "Duidelijke, vriendelijke e-mails en chats.",
       "Herschrijf dit korte antwoord aan een klant."),
      ("Typen en systemen", 1, False, "Werkt snel in meerdere systemen tegelijk.", "")]),
    ("Software-engineer, klanttools",
     "Bouw de tools die het Klantloyaliteitsteam elke dag gebruikt.",
     65, 65,
     [("Python en webontwikkeling", 3, True, "Bouwt en onderhoudt webapplicaties.",
       "Neem ons mee door een webfunctie die je van begin tot eind bouwde."),
      ("Data en SQL", 2, False, "Ontwerpt schema's en schrijft efficiënte queries.",
       "Hoe zou je uitzoeken waarom een pagina traag werd?"),
      ("Testen en betrouwbaarheid", 2, True, "Schrijft tests die echte bugs vangen.",
       "Vertel over een bug die jouw tests vingen."),
      ("Werken met gebruikers", 1, False, "Leert van de mensen die de tools gebruiken.", "")]),
    ("Teamleider magazijn",
     "Leid een dienst in het distributiecentrum: veilig, op tijd en met een team dat graag terugkomt.",
     60, 70,
     [("Een dienst leiden", 3, True, "Plant en leidt een team van tien tot twintig mensen.",
       "Vertel over een dienst die misging en wat je deed."),
      ("Veiligheid", 3, True, "Kent veilig werken en dwingt het af.", "Wat doe je als je een onveilige werkwijze ziet?"),
      ("Planning", 2, False, "Stemt mensen af op het verwachte werk.", "")]),
]

CAREERS = [
    ("Je helpt onze klanten via telefoon, chat en e-mail, en je neemt de tijd die elk van hen nodig heeft: "
     "geen scripts en geen belklok.\n\n"
     "Je begint met vijf weken training met iedereen die bij ons begint, wat hun functie ook is: eerst onze "
     "waarden, dan de telefoon met een buddy naast je.",
     "Amsterdam", "Klantloyaliteit"),
    ("Je bouwt de tools die het Klantloyaliteitsteam elke dag gebruikt, samen met de mensen die ermee werken.\n\n"
     "Python en PostgreSQL, tests die echte bugs vangen, en een team dat elk kwartaal een dag met klanten "
     "belt.",
     "Op afstand (Nederland)", "Engineering"),
]

APPLICATION_QUESTIONS = [
    [("Wat betekent geweldige klantenservice voor jou?", "Een paar zinnen, met een voorbeeld als je er een hebt."),
     ("Wanneer zou je kunnen beginnen?", "")],
    [("Op welke tool die je bouwde ben je het trotst, en waarom?", "")],
]

CLOSED_JOB = ("Medewerker Klantloyaliteitsteam, nachtdienst",
              "Het nachtteam, vorig jaar samengevoegd met het dagteam.", 60, 65,
              [("Telefonische vaardigheid", 3, True, "", ""), ("Probleemoplossing", 2, True, "", "")])

SOURCES = ["Vacaturesite", "Doorverwijzing", "LinkedIn", "Banenbeurs", "Indeed", "Uitzendbureau"]

EVIDENCE = {
    1: ["Kon geen voorbeeld geven; antwoorden bleven algemeen.", "Het voorbeeld liet het tegendeel zien van wat we zoeken."],
    2: ["Eén zwak voorbeeld, waarin anderen het meeste werk deden.", "Begreep het idee, maar had weinig te laten zien."],
    3: ["Een degelijk, concreet voorbeeld uit de vorige baan.", "Deed wat verwacht werd en legde het duidelijk uit."],
    4: ["Twee specifieke voorbeelden, met meetbare resultaten.", "Ging verder dan gevraagd, uit zichzelf."],
    5: ["Meerdere sterke, recente voorbeelden; anderen leerden ervan.", "Uitzonderlijk: bracht anderen ertoe hetzelfde te doen."],
}
NOT_ASKED = "De vraag kwam niet aan bod."
LIKENESS = ["Past erbij, meteen; een goede vibe.", "Echt een van ons: ik zou zo een biertje met deze kandidaat drinken.",
            "Het klikte meteen; net als ik op die leeftijd."]
DEPARTED = ["Nam na een paar maanden ontslag: de diensten aan de telefoon pasten niet bij deze collega, zo hoorden we.",
            "Vertrok voor een baan dichter bij huis; het team vond het jammer.",
            "Ontslagen na herhaald niet verschijnen; de mentor had het in week 4 al aangekaart."]
DEPARTED_OFFER = ["Nam The Offer aan aan het eind van het programma: de gesprekken waren anders dan verwacht."]
LESSONS = ["In het interview vroegen we niet hoe iemand een zware dag aan de telefoon doorkomt; voeg die vraag toe.",
           "De vacature zei te weinig over de avonddiensten; zeg het voortaan duidelijk.",
           "Niets wat we eerder hadden kunnen zien, voor zover we weten."]
WEEK5_EVIDENCE = {
    1: ["In vijf weken heb ik dit geen keer gezien; als het nodig was, liet hij of zij het aan anderen over."],
    2: ["Af en toe, als erom gevraagd werd; nog niet uit zichzelf."],
    3: ["Liet het de meeste dagen aan de telefoon zien, zoals we van iemand die nieuw is verwachten."],
    4: ["Vaak en uit zichzelf: in week 4 kwamen collega's met hun vragen naar deze nieuwe collega."],
    5: ["Elke dag, en het werkte aanstekelijk: de hele groep nam het over."],
}
SELF_EVIDENCE = {
    1: ["Dit vond ik moeilijk; ik heb er hulp bij nodig."],
    2: ["Dit ben ik nog aan het leren."],
    3: ["Dit deed ik als de gesprekken erom vroegen."],
    4: ["Dit deed ik vaak, en met plezier."],
    5: ["Hier ben ik het beste in."],
}
TAKEAWAYS = [
    "Warm en duidelijk; zou het goed doen met klanten.",
    "Sterk op de functie, maar aarzelend bij de vragen over de waarden.",
    "Goede energie; heeft coaching nodig op de systemen.",
    "Doordachte antwoorden met echte voorbeelden.",
    "Niet overtuigd van de teamgeest; sprak vooral over eigen resultaten.",
]
VETO_REASON = "Het hele gesprek neerbuigend over collega's; sprak over klanten als lastpakken."
APPLIED_REASON = "Gesolliciteerd via de vacaturesite."
STAGE_REASONS = {
    "screening": "Cv past bij de functie; uitgenodigd voor een telefonische screening.",
    "interviewing": "Goede telefonische screening; gesprekken gepland.",
    "decision": "Alle gesprekken gevoerd.",
    "hired": "Geslaagd op functie-eisen en waarden; aanbod aanvaard.",
    "rejected": "Niet door de poort gekomen.",
    "withdrawn": "Kandidaat heeft een andere baan aangenomen.",
}
