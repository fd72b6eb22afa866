"""The word tables of the clause reader (`clauses.py`): verbs an order starts with, auxiliaries, subjects,
politeness, subordinators, and where one clause ends. Words only; how they are read is the reader's."""

from __future__ import annotations

import re

from pmpc_tui.nl.ground.lexicon import POWER_OF


def _set(words: str) -> frozenset[str]:
    """A word table written as one string."""
    return frozenset(words.split())


# base-form verbs an order starts with (English; other languages' verbs read as an ellipsis, see NOMINAL)
VERBS = _set(
    "start stop reboot restart shut shutdown power turn switch kill halt bounce cycle suspend pause resume unpause "
    "wake boot bring fire spin stand tear take put delete remove destroy wipe nuke purge drop rm get migrate move "
    "evacuate drain relocate snapshot snap back backup restore roll rollback revert clone copy duplicate resize grow "
    "extend expand shrink add give bump set change update upgrade increase decrease raise lower limit assign attach "
    "detach mount unmount create make build provision deploy apply plan destroy import sync refresh validate test "
    "check verify diff drift list show display print dump export describe count find search grep tell let look see "
    "open read fetch download upload pull push run execute do go convert template tag untag rename protect unprotect "
    "enable disable lock unlock cancel abort stop report file bundle write init adopt retire decommission "
    "install reinstall keep leave ignore skip include exclude free reclaim rebalance ping inspect audit review "
    "monitor watch tail need want help fix try grab pick choose use switch confirm mark note label merge "
    "erase clear reset flush hibernate freeze thaw evict archive have finish complete generate post send forget "
    "know save clean tidy preview") | {w for w in POWER_OF if " " not in w}  # and the power verbs of other languages
AUX = _set("is are was were am do does did have has had can could should shall would will may might must "
                "isn't aren't wasn't weren't don't doesn't didn't haven't hasn't can't couldn't shouldn't won't "
                "wouldn't mustn't")
WH = _set("what which who whom whose where why how when what's how's who's where's whats hows "
          # other languages' question words (a "¿" is a clause break, so "¿qué …?" reaches the reader as "qué …")
          "qué cuál cuáles cuánto cuántos cuántas cómo dónde quién quiénes quel quelle quels quelles combien "
          "comment où pourquoi welche welcher welches wie wo warum wer wann wat welke hoe waar waarom wanneer "
          "quale quali quanto quanti dove perché")
# a question asking what would happen, or what the assistant would do, under a condition ("if we stopped pve2's
# guests, what would break?", "which guest would you stop?"): a prediction or advice, which no read answers
PREDICTION = re.compile(r"\bwould\s+(?:\w+\s+)?(?:break|happen|fail|die|crash|lose|survive|suffer|"
                        r"go\s+(?:down|wrong)|stop\s+working|"
                        r"be\s+(?:affected|lost|impacted|down)|(?:you|u)\b)|\bwhat\s+(?:happens|breaks)\b|"
                        r"pasar[íi]a|ocurrir[íi]a|passerait|arriverait|passiert|passieren|succederebbe|gebeurt|gebeuren")
PREDICTION_IF = re.compile(r"\b(?:if|si|se|wenn|falls|als|when|suppose|supposing|imagine|hypothetically)\b")
SUBJECTS = _set("i we he she they you it someone somebody anyone anybody nobody everyone everybody one this "
                     "that there u y'all")
# a subject pronoun or a perfect's auxiliary first in another language ("j'ai déjà redémarré …", "hemos borrado …",
# "ich habe … neu gestartet", "ik heb … herstart"): the clause tells
SUBJECTS_ABROAD = re.compile(r"^(?:je|j'\w+|nous|ich|wir|ik|wij|nosotros|io|noi|eu|nós|hemos|han|ho|abbiamo|hanno|"
                             r"habe|haben|heb|hebben|heeft|avons|ont)\b|"
                             # "ya reinicié pihole": already, and a Spanish preterite in the first person
                             r"^ya\s+(?:lo\s+|la\s+|los\s+|las\s+)?\w+[éí]\b")
# an order given to someone else ("tell tom to restart pihole", "ask the dba to stop db-01"): relayed, not ours
OTHERS_ORDER = re.compile(r"^(?:please\s+)?(?:tell|ask|remind|get|have)\s+(?!me\b|us\b|it\b|them\b)(?:the\s+)?"
                          r"[a-z][\w'-]*\s+to\s+\w+")
# a scene set, then what the speaker did in it ("in the last incident we had to kill db-01"): it tells
SCENE_TOLD = re.compile(r"^(?:in|during|at|on|over|since)\s+(?:the\s+|our\s+|that\s+)?(?:[\w'-]+\s+){0,3}?"
                        r"(?:i|we|he|she|they|someone|somebody)\s+(?:had|did|was|were|already|"
                        r"\w+ed(?<!need)(?<!feed)(?<!speed)(?<!proceed)(?<!exceed))\b")
CONTRACTED = re.compile(r"^(?:i|we|he|she|they|you|it|that|there|who)'(?:ll|m|re|s|ve|d)\b|^(?:im|ive|ill|id|"
                        r"were|theyre|youre|its|thats|theres)\b")
# a finite verb after a noun phrase ("tom restarted", "the backup ran"): the clause tells, it does not order
FINITE = re.compile(r"^(?:is|are|was|were|has|have|had|will|would|can|could|should|must|might|may|did|does|do|"
                    r"got|gets|seems?|looks|keeps|kept|said|says|wants|needs|ran|went|took|broke|came|fell|hung|"
                    r"froze|died|made|gave|told|asked|thinks|thought|knew|done|'s|'ll|isn't|wasn't|doesn't|didn't|"
                    r"won't|can't|hasn't|haven't|ought|"
                    # what a guest did (an incident told, never an order): "grafana crashed twice", "pihole dropped dns"
                    r"crashed|failed|dropped|spiked|stalled|panicked|flapped|timed|oomed|errored|lagged|misbehaved|"
                    r"glitched|choked|leaked|overheated|filled|ballooned|disappeared|vanished)$")
# the pieces politeness is made of, shared by POLITE, POLITE_ASK and DESIRE
_ASKED = (r"(?:would|do)\s+(?:you|u)\s+mind|(?:can|could|would|will)\s+(?:you|u|somebody|someone|anyone)|"
          r"(?:can|could|may)\s+(?:we|i)\s+(?=get\b|have\b|see\b|view\b|look\b)|(?:can|could)\s+we")
_WISH = r"(?:i|we)(?:\s+(?:really\s+)?(?:need|want|wanna|would\s+like)|'d\s+like)"
_CHANCE, _POSSIBLE = r"any\s+chance", r"would\s+it\s+be\s+possible"
# a politeness or address prefix before an order ("please", "could you", "go ahead and", "i need you to")
POLITE = re.compile(r"^(?:(?:please|pls|plz|kindly|just|quickly|now|then|also|and|so|ok(?:ay)?|hey|hi|yo|"
                    r"go\s+ahead\s+and|i\s+(?:need|want|would\s+like)\s+(?:you|u)\s+to|i'd\s+like\s+(?:you|u)\s+to|"
                    rf"{_ASKED}|"
                    r"let'?s|let\s+us|bitte|por\s+favor|s'il\s+te\s+pla[iî]t|s'il\s+vous\s+pla[iî]t|per\s+favore|"
                    r"alsjeblieft|graag|"
                    rf"{_WISH}(?:\s+to)?|"
                    rf"(?:you|u)\s+(?:can|may)(?:\s+now)?|{_CHANCE}\s+(?:(?:you|u)\s+(?:could|can)\s+)?|"
                    rf"{_POSSIBLE}\s+(?:for\s+(?:you|u)\s+)?to)\b[\s,]*)+")
# a wish said as the speaker's need ("we need web-01 rebooted", "i want pihole restarted"): an order
DESIRE = re.compile(rf"^{_WISH}\b")
POLITE_ASK = re.compile(rf"^(?:(?:please|pls|just|so|ok(?:ay)?|hey|hi)\s+)*(?:{_CHANCE}|{_POSSIBLE}|{_ASKED})\b")
CONNECTOR = re.compile(r"^(?:(?:and|but|then|so|also|plus|or|oh|well|btw|right|alright|sure|yes|yeah|ok(?:ay)?|"
                       r"now|anyway|actually)\b[\s,]*)+")
HEDGE = re.compile(r"^(?:maybe|perhaps|probably|possibly|ideally|hopefully|i\s+guess|i\s+suppose|i\s+think|"
                   r"vielleicht|quiz[áa]s?|tal\s+vez|talvez|forse|misschien|peut-[êe]tre|"
                   r"i\s+reckon)\b")
# subordinators that open a condition or a time ("if", "once", "unless"; in other languages too)
CONDITIONAL_OPEN = re.compile(r"^(?:if|unless|once|whenever|as\s+soon\s+as|in\s+case|provided(?:\s+that)?|"
                              r"assuming|as\s+long\s+as|so\s+long\s+as|only\s+(?:if|when|once|after)|suppose|"
                              r"supposing|imagine|hypothetically|what\s+if|let'?s\s+say|say\s+(?:i|we)|"
                              r"otherwise|or\s+else|else|the\s+moment|wenn|falls|sobald|solange|sonst|ansonsten|"
                              r"cuando|si|se|s'ils?(?!\s+(?:te|vous)\s+pla[iî]t)|s'elles?|quand|lorsque?|lorsqu'|d[èe]s\s+que|sinon|als|indien|zodra|"
                              r"a\s+menos\s+que|de\s+lo\s+contrario)\b")
TEMPORAL_OPEN = re.compile(r"^(?:after|until|till|when)\b")
PURPOSE_OPEN = re.compile(r"^(?:so\s+(?:that\s+)?(?:i|we|you|they|he|she|nobody|no\s+one|noone|someone|"
                          r"somebody|people|users)\b|in\s+order\s+to\b|so\s+as\s+to\b|"
                          # "i want to see who rebooted pihole": why a read is asked, never an order of its own
                          r"(?:i|we)\s+(?:(?:really\s+)?(?:want|need|would\s+like)|'d\s+like)\s+to\s+(?:see|know|check|"
                          r"find\s+out|understand|learn|figure\s+out)\s+(?:who|what|when|why|how|if|whether|which)\b|"
                          r"to\s+(?:decide|figure\s+out|see|judge|check|find\s+out|know|learn)\s+"
                          r"(?:if|whether|which|what|how)\b)")
# "tell me / check / let me know if …": the "if" opens a question inside the order, not a condition
KNOWING = re.compile(r"\b(?:tell\s+me|let\s+(?:me|us)\s+know|check|see|ask(?:ing)?|wonder(?:ing)?|know|find\s+out|"
                     r"verify|confirm|decide|deciding|evaluate|assess|figure\s+out|investigate|determine)\s*$")
# an order asked politely in another language ("¿puedes reiniciar …?", "pourriez-vous …", "kannst du …")
POLITE_ABROAD = re.compile(r"^(?:puedes|podr[íi]as|puede|podr[íi]a|pourrais-tu|pourriez-vous|peux-tu|pouvez-vous|"
                           r"kannst\s+du|k[öo]nnen\s+sie|k[öo]nntest\s+du|k[öo]nnten\s+sie|kun\s+je|kunt\s+u|"
                           r"zou\s+je|puoi|potresti|pu[òo]i)\b")
PAST_TIME = re.compile(r"\b(?:ago|yesterday|last\s+(?:night|week|weekend|time|month)|earlier(?:\s+today)?|"
                       r"this\s+morning|over\s+the\s+weekend)\b")
DETERMINERS = _set("the my our your his her their its a an this that these those all every some any each no "
                        "yesterday's last")
REASON_OPEN = re.compile(r"^(?:because|since|as|cause|'cause|coz|cos|given\s+that|now\s+that)\b")
# foreign questions by structure: French inversion ("puis-je"), "est-ce que", "¿"; a modal before its subject
FOREIGN_ASK = re.compile(r"^(?:¿|est-ce\s+qu|\w+-(?:je|tu|il|elle|on|nous|vous|ils|elles)\b|"
                         r"(?:darf|kann|soll|sollte|sollten|sollen|muss|müssen|ist|sind|lohnt|gibt|kan|mag|moet|"
                         r"moeten|zou|zouden|kunnen|mogen|är|får|ska|bör)\s+(?:ich|wir|es|man|du|ik|we|wij|het|je|"
                         r"jag|vi|det)\b|"
                         r"(?:puedo|debo|podemos|debemos|deber[íi]amos|posso|devo|possiamo|dobbiamo|dovrei|"
                         r"dovremmo|devemos|podemos|é\s+seguro|è\s+sicuro|es\s+seguro|vale\s+la\s+pena|"
                         r"merece\s+la\s+pena|ça\s+vaut|faut-il|vaut-il)\b)")
RETRACTION = re.compile(r"^(?:never\s*mind|(?:i'?m\s+|i\s+am\s+)?not\s+asking\s+(?:you\s+)?to\b|"
                        r"scratch\s+that|forget\s+(?:it|that|i\s+said\s+(?:it|that|anything))|"
                        r"actually\s+(?:no|don'?t)|on\s+second\s+thoughts?|no\s*,?\s*wait|nope|nah|no\s+thanks|"
                        r"so\s+no|no\s+action(?:\s+\w+)?|so\s+don'?t|don'?t\s+act\s+on\s+(?:it|that|this)|"
                        r"cancel\s+that|hold\s+off|(?:(?:i|we)\s+)?(?:(?:have|'ve)\s+)?changed\s+(?:my|our)\s+minds?|"
                        r"change\s+of\s+plans?|"
                        # "…, my bad", "nvm", "ignore that", "disregard", "wrong window" after an order (nl18)
                        r"my\s+bad|nvm|n/m|oops(?=\W*$|\W+(?:wrong|my\s+bad|sorry|ignore|never\s*mind|scratch|not\s+that))|"
                        r"(?:(?:lol|lmao|haha\w*|hah)\s+)?no+(?=\W*$)|(?:please\s+)?(?:ignore|disregard)(?:\s+(?:that|this|it|me|all\s+that))?"
                        r"(?=\W*$|\W*(?:,|my\b|sorry|wrong|oops))|"
                        r"wrong\s+(?:box|window|chat|channel|tab|terminal|cluster|thread|one|guest|vm|ct|server|host|"
                        r"node|person|room)(?=\W*$)|not\s+(?:that|this)\s+one(?=\W*$)|"
                        r"(?:pls\s+|please\s+)?(?:cancel|undo|abort)\s+(?:this|it|that|the\s+above)(?=\W*$)|"
                        # "ignore my last message about …", "disregard what i asked": an earlier order taken back
                        r"(?:please\s+)?(?:ignore|disregard|forget(?:\s+about)?|drop|scrap|cancel|withdraw)\s+(?:my|our|the|"
                        r"that|this)\s+(?:(?:last|previous|earlier|prior|former|other|first|second|original)\s+)?"
                        r"(?:message|msg|request|order|instruction|command|ask|question|note|text|ping|one)s?|"
                        r"(?:please\s+)?(?:ignore|disregard|forget(?:\s+about)?)\s+(?:what|everything|anything)\s+"
                        r"(?:i|we)\s+(?:just\s+)?(?:said|wrote|asked|typed|sent|told\s+you))\b")
# a correction of the order before it ("no sorry, i meant 202", "actually only web-02", "make that web-03"): that
# order is taken back; what follows the correction's words, when it is no order of its own, replaces its targets
CORRECTION = re.compile(r"^(?:(?:no|nope|oops|sorry|wait)\b[\s,]*)*(?:(?:i\s+meant|i\s+mean|make\s+that)"
                        r"(?=\s+(?!(?:to|it|that|this|these|those|one|sure|quick\w*|fast|so|well|a|an|happen|clear|work)\b)[\w-])|"
                        r"correction\b:?|(?:actually|rather)\s+(?:only|just)\b)|^no\s*,?\s*sorry\b")
ENDORSE = re.compile(r"^(?:(?:so|ok(?:ay)?|yes|then)\s+)?(?:please\s+)?(?:go\s+ahead|do\s+it|please\s+do(?:\s+it)?|"
                     r"do\s+that|make\s+it\s+so)(?:\s+(?:now|please))?$")
REPORTING = re.compile(r"\b(?:says?|said|reads?|wrote|writes|mentioned|suggest(?:s|ed)?|claims?|claimed|"
                       r"asks?|asked|told\s+(?:me|us)|plan|idea|thought|proposal|suggestion|intention)\s*$")

QUOTE = re.compile(r"\"[^\"]*\"|\u201c[^\u201d]*\u201d|\u00ab[^\u00bb]*\u00bb|(?<![\w])'[^']+ [^']+'(?![\w])")
# a clause after a subordinator: a pronoun subject, or a noun phrase and its finite verb ("the freeze ends")
CLAUSE = (r"(?:(?:i|we|you|he|she|they|it)\b|(?:i|we|you|they|it)'|(?:(?:the|my|our|your|a|an)\s+)?(?:[\w-]+\s+){0,3}?"
           r"(?:is|are|was|were|has|have|had|gets?|ends?|finish(?:es)?|signs?|says?|approves?|completes?|opens?|"
           r"closes?|returns?|lifts?|comes?|goes?|\w+ed)\b)")
# where one clause ends and the next begins (a separator is no clause's text; a subordinator opens the next)
BREAK = re.compile(r"\.{2,}|[.!?]+(?=\s|$)|[;¿]|\s[-\u2013\u2014]+\s|\u2014|(?<=\w):\s|,\s*|"
                   r"\s+(?=(?:and\s+then|then|but|whether|unless|otherwise|because|so\s+(?:that\s+)?(?:i|we|you|they)"
                   r"\s|in\s+order\s+to|so\s+as\s+to|as\s+soon\s+as|in\s+case|provided\s+that|once\s+" + CLAUSE +
                   r"|(?<!wait\s)(?:after|before|until|till|when)\s+" + CLAUSE +
                   r"|should\s+(?:it|they|he|she|\S+-\d+)\s+\w+|"
                   r"only\s+(?:if|when|once|after)\s|(?<!what\s)(?<!even\s)(?<!only\s)if\s+(?!(?:needed|necessary|required|need\s+be|appropriate|possible|so|"
                   r"not|any)\b)|"
                   r"to\s+(?:decide|figure\s+out|judge|find\s+out)\s+(?:if|whether|which|what|how)|"
                   r"and\s+(?:please\s+|also\s+|just\s+)?(?P<verb>[a-z]+)\b|"
                   # other languages' subordinators inside a sentence ("apaga web-02 cuando termine el backup")
                   r"cuando|quand|lorsque?|lorsqu'|s'ils?(?!\s+(?:te|vous)\s+pla[iî]t)|sobald|wenn|falls|quando|zodra|gdy)\b)")


# an order on "it/them" inside a clause that told something first: the order's clause begins there
AGAIN = re.compile(r"\s([a-z]+)\s+(?:it|them)\b")
AFTER_AUX = AUX | {"to", "ll", "'ll"}
# a question whether to act ("should i …", "is it safe to …"): what it names is asked about, not asked for
CHOICE = re.compile(r"^\W*(?:please\s+)?(\w+)\b.*\bor\s+(?:keep|leave|not|don'?t|skip)\b")
WHETHER_TO = re.compile(r"\b(?:should|shall|ought\s+to|can|could|may|must)\s+(?:i|we)\b|^(?:do|does)\s+(?:i|we)\s+"
                        r"(?:need|have)\s+to\b|\b(?:safe|wise|ok|okay|fine|good\s+idea|bad\s+idea|worth|risky|"
                        r"dangerous|a\s+problem|smart|better)\s+to\b|"
                        # an opinion asked of an action said as a gerund ("you reckon bouncing X helps?") (nl18)
                        r"\b(?:think|believe|reckon|suppose|feel)\s+(?:that\s+)?(?:\w+\s+)?\w{3,}ing\b(?!\s+(?:is|are)\b)|"
                        r"\b(?:fix|help|solve|change|do)(?:es|s)?\s+(?:anything|a\s+thing|much)\b")
# an opinion asked of the order before it ("mv web-02 -> pve1, good idea or bad idea?", "…, thoughts?"): it asks
OPINION_TAG = re.compile(r"^\W*(?:(?:is\s+(?:that|it|this)\s+)?(?:a\s+)?(?:good|bad|smart|wise|safe|sensible|terrible|"
                         r"dumb)\s+(?:idea|move|plan)(?:\s+or\s+(?:a\s+)?(?:good|bad|not)(?:\s+(?:idea|move|one))?)?|"
                         r"thoughts|opinions?|yes\s+or\s+no|wise|safe|sensible|worth\s+it|risky)\W*$")
# after a noun phrase, an order in the ops voice ("pihole needs 1 gig ram", "db-01 should be backed up")
DEONTIC = _set("needs need should must gets")
# participles that name a guest or a tag, never a past tense ("vms tagged prod", "a container named wiki")
PARTICIPLES = _set("tagged named called labelled labeled used attached listed")
# past tenses that do not end in -ed, and third persons that are no plural noun
IRREGULAR_PAST = _set("was were had did got ran went took broke came fell hung froze died made gave told said")
THIRD = _set("hangs crashes fails works signs ends finishes approves runs uses looks seems lives sits belongs holds "
             "says reads")
# a chat opener that announces news, alone in its clause ("heads up:", "@channel fyi", "psa"): it tells, never orders
_NEWS = (r"(?:heads[\s-]*up|fyi|f\.y\.i\.?|psa|for\s+your\s+information|just\s+so\s+you\s+know|announcement|"
         r"status\s+update)")
ANNOUNCE = re.compile(rf"(?:@\w+[\s,:]*)+(?:{_NEWS})?[\s!.]*|(?:(?:@\w+|hey\s+(?:all|team|folks|everyone)|team|folks)"
                      rf"[\s,:]*)*{_NEWS}[\s!.]*")
