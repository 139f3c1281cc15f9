"""English. Keys and {placeholders} must match zh_cn.py exactly (tested)."""

from __future__ import annotations

from typing import Final

TEXTS: Final[dict[str, str]] = {
    # Welcome, menu, help
    "welcome": (
        "Hello! This is the union's worker services assistant.\n"
        "Type a question, report a problem, ask for help, or follow your requests."
    ),
    "welcome.officer": "Hello! You are signed in as a union officer and can work your tickets.",
    "menu.title": "What would you like to do?",
    "menu.title_short": "Main menu",
    "menu.ask": "❓ Ask a question",
    "menu.report": "📣 Report a problem",
    "menu.help": "🤝 Ask for help",
    "menu.mine": "📋 My requests",
    "menu.officer": "👤 Talk to an officer",
    "menu.lang": "🌐 语言 Language",
    "menu.queue": "📥 Queue",
    "menu.assigned": "🗂 Assigned to me",
    "help.worker": (
        "<b>Help</b>\n"
        "• Type a question and I will look for the answer in the knowledge base.\n"
        "• /start main menu · /tickets my requests · /lang language\n"
        "• /ticket REFERENCE shows one request, e.g. /ticket GR-2026-000001\n"
        "• /cancel stops what you are filling in · /help shows this\n"
        "• /mydata sends you everything we hold about you · /forget erases it\n"
        "• /unsubscribe stops the union's announcements · /subscribe brings them back\n"
        "Problems you report go to union officers; you may stay anonymous."
    ),
    "help.officer": (
        "<b>Officer commands</b>\n"
        "/queue open tickets of your queues, most urgent first\n"
        "/mine tickets assigned to you\n"
        "/ticket REF details and history, e.g. /ticket GR-2026-000001\n"
        "/web a sign-in link to the web console\n"
        "Admins: /linkgroup QUEUE_KEY in an officers' group (with topics) gives each ticket "
        "of the queue a topic there; officers answer the worker by writing in it."
    ),
    "help.in_form": "You are filling in a form: answer the question above, or send /cancel.",
    "cancel.done": "Cancelled; nothing was sent.",
    "cancel.nothing": "There is nothing to cancel.",
    "lang.choose": "请选择语言 / Choose your language:",
    "lang.changed": "Language set to English.",
    # Errors
    "error.internal": "Sorry, something went wrong and your last step did not go through. "
    "Please try again in a moment.",
    "error.unknown_command": "There is no such command. Send /help to see what you can do.",
    "error.unknown_action": "That button is no longer valid. Please start again from the menu:",
    "error.ticket_generic": "That cannot be done right now.",
    "error.ticket_not_found": "That request does not exist, or you may not see it.",
    "error.illegal_transition": "That is not possible in the request's current status.",
    "error.outside_window": "It is too late to reopen this request. "
    "If the problem remains, please file a new one.",
    "error.not_allowed.officers_only": "Only union officers can do that.",
    "error.not_allowed.officer_inactive": "Your officer account has been deactivated.",
    "error.invalid.required": "This must be filled in.",
    "error.invalid.too_long": "That is too long; please shorten it.",
    "error.invalid.bad_date": "That date is not valid.",
    "error.invalid.future_date": "The date cannot be after today.",
    "error.invalid.bad_amount": "That amount is not valid.",
    "error.invalid.negative_amount": "The amount cannot be negative.",
    "error.invalid.amount_too_large": "That amount is too large; please check it.",
    "error.invalid.not_a_choice": "Please pick one of the buttons.",
    "error.invalid.too_many_photos": "Too many photos.",
    "error.invalid.not_a_photo": "Please send a photo.",
    "error.invalid.unknown_field": "The form has an item we do not know.",
    "error.invalid.out_of_order": "Some answers contradict each other; please check them.",
    "error.invalid.unknown_category": "There is no such category.",
    # Questions and the knowledge base
    "question.prompt": "Type your question, for example “How do I claim mutual medical aid?”",
    "question.empty": "Please type your question as text.",
    "question.no_words": "Got it. If you have a question, write it in words and I will look "
    "it up, or open the menu.",
    "question.photo_outside_form": "Photo received. To send documents, start “Report a problem” "
    "or “Ask for help” and add them in the form.",
    "question.answer": "<b>{question}</b>\n\n{answer}\n\nDid this help?",
    "question.helped": "👍 Yes, thanks",
    "question.not_helped": "👎 No, ask a person",
    "question.glad": "Glad it helped! Ask anything else any time.",
    "question.sorry": "Sorry that did not solve it. A union officer can answer you in person.",
    "question.did_you_mean": "I am not sure which one you mean. Did you mean:",
    "question.none_of_these": "None of these — ask an officer",
    "question.no_match": (
        "Sorry, the knowledge base has no answer to that yet. Your question was kept so we "
        "can add one.\nIf you like, send it to a union officer to answer."
    ),
    "question.open_request": "📝 Ask a union officer",
    # Crisis
    "crisis.self_harm": (
        "<b>Your safety comes first.</b> If you are thinking of hurting yourself, please call "
        "now:\n{hotlines}\nYou can also tell someone you trust. You are not alone.\n"
        "Shall we ask a union officer to contact you urgently?"
    ),
    "crisis.violence": (
        "<b>If you are in danger, get to safety first and call the police now.</b>\n"
        "{hotlines}\nShall we ask a union officer to contact you urgently?"
    ),
    "crisis.injury": (
        "<b>If someone is hurt, call an ambulance now and do not move a badly injured "
        "person.</b>\n{hotlines}\nShall we ask a union officer to contact you urgently?"
    ),
    "crisis.yes": "Yes, contact me urgently",
    "crisis.no": "No, thank you",
    "crisis.declined": "All right. You can reach us any time. Please take care.",
    "crisis.gone": "This was already handled. In an emergency, call the police or an "
    "ambulance directly.",
    "crisis.form_kept": "Your form is still open; you can go on answering the question above.",
    # Forms
    "form.category.grievance": "What is the problem about?",
    "form.category.help": "What kind of help do you need?",
    "form.what.grievance": "Please describe what happened (when, what, who was affected):",
    "form.what.help": "Briefly describe your situation and the help you need:",
    "form.what.other": "What would you like to talk to a union officer about?",
    "form.where": "Where did this happen? Pick one or type the name of the company or place.",
    "form.where_same": "Same as last time: {workplace}",
    "form.where_skip": "I'd rather not say",
    "form.photos": "You can send photos now (optional; {count} received). Press “Done” when "
    "finished.",
    "form.photos_hint": "Send photos, then press “Done” ({count} received).",
    "form.photos_done": "Done",
    "form.photo_received": "Photo received, {count} in all. Send more or press “Done”.",
    "form.anonymous": (
        "Submit anonymously? Officers will not see your name or account; the bot passes "
        "messages both ways."
    ),
    "form.anonymous_yes": "Anonymously",
    "form.anonymous_no": "With my name",
    "form.skip": "Skip",
    "form.cancel": "Cancel",
    "form.submit": "✅ Submit",
    "form.edit": "✏️ Edit",
    "form.edit_which": "What would you like to change?",
    "form.edit_what": "Description",
    "form.edit_where": "Company / place",
    "form.edit_photos": "Photos",
    "form.edit_anonymous": "Anonymity",
    "form.resume": "Continue",
    "form.resume_confirm": "No change, back to the summary",
    "form.discard": "Discard and go to the menu",
    "form.unfinished": "You have a form you have not finished. Continue it or discard it?",
    "form.unfinished_button": (
        "You have a form you have not finished, so that button did nothing. Continue the "
        "form, or discard it and press the button again?"
    ),
    "form.gone": "That form is already finished. Please start again from the menu.",
    "form.not_given": "not given",
    "form.summary": "<b>Please check your {kind}</b>\nCategory: {category}\nDetails: {summary}",
    "form.summary_anonymous": "Submitted: anonymously",
    "form.summary_named": "Submitted: with your name",
    "form.confirm_question": "\nIf everything is right, press “Submit”.",
    "form.submitted": (
        "✅ Submitted as <b>{reference}</b>.\n"
        "A union officer will answer by {due} at the latest. I will tell you about every "
        "step; you can also check “My requests” at any time."
    ),
    "form.submitted_anonymous": "This request is anonymous: officers cannot see who you are.",
    "form.error.use_buttons": "Please choose with the buttons below.",
    "form.error.send_photo": "Please send a photo here, or use the buttons below to go on.",
    "form.error.no_photo_here": "No photo is needed here; please answer in text.",
    "form.error.photo_required": "At least one photo is needed here.",
    "form.error.too_many_photos": "At most {limit} photos can be added; the rest were not kept.",
    "form.error.old_button": "That button belongs to an earlier step. The current question is:",
    "form.error.empty": "This cannot be empty; please type something.",
    "form.error.too_long": "That is too long ({length} characters); please keep it under {limit}.",
    "form.error.date_format": (
        "I could not read that date. Please write it like 2026-03-01 (year-month-day)."
    ),
    "form.error.no_such_date": "That day does not exist; please check the date.",
    "form.error.date_in_future": "The date cannot be after today ({today}).",
    "form.error.date_below": "This date cannot be before {other_value} ({other}).",
    "form.error.date_above": "This date cannot be after {other_value} ({other}).",
    "form.error.amount_format": "Please type the amount in yuan as a number, e.g. 1234.50.",
    "form.error.amount_not_positive": "The amount must be more than 0.",
    "form.error.amount_decimals": "Amounts have at most two decimals (fen).",
    "form.error.amount_too_large": "That amount is too large; please check it.",
    "form.error.amount_below": "This amount cannot be less than {other_value} yuan ({other}).",
    "form.error.amount_above": "This amount cannot be more than {other_value} yuan ({other}).",
    "value.amount": "{amount} yuan",
    "value.photos": "📷 {count} photo(s)",
    # Kinds, statuses, categories
    "kind.grievance": "grievance",
    "kind.help": "help request",
    "status.new": "new",
    "status.assigned": "assigned",
    "status.in_progress": "in progress",
    "status.waiting_worker": "waiting for you",
    "status.resolved": "resolved, please confirm",
    "status.reopened": "reopened",
    "status.closed": "closed",
    "category.workplace-safety": "Workplace safety",
    "category.wages": "Wages and pay",
    "category.facilities": "Facilities",
    "category.working-hours": "Working hours",
    "category.other-grievance": "Other problem",
    "category.mutual-aid-claim": "Mutual medical aid claim",
    "category.hardship-aid": "Hardship aid",
    "category.legal-aid": "Legal aid",
    "category.counselling": "Counselling",
    "category.job-services": "Job services",
    "category.small-loan": "Small loan",
    "category.other-help": "Other help",
    # Category fields
    "field.workplace-safety.location.label": "Exact location",
    "field.workplace-safety.location.prompt": "Where exactly is the hazard "
    "(e.g. the street light by gate 3)?",
    "field.wages.employer.label": "Employer",
    "field.wages.employer.prompt": "Name of the employer (company):",
    "field.wages.amount_owed.label": "Amount owed",
    "field.wages.amount_owed.prompt": "How much is owed, in yuan? (skip if unsure)",
    "field.wages.period.label": "Period",
    "field.wages.period.prompt": "For which period is pay owed? (e.g. January to March 2026)",
    "field.facilities.location.label": "Exact location",
    "field.facilities.location.prompt": "Where exactly is it?",
    "field.working-hours.employer.label": "Employer",
    "field.working-hours.employer.prompt": "Name of the employer (company):",
    "field.mutual-aid-claim.hospital.label": "Hospital",
    "field.mutual-aid-claim.hospital.prompt": "Name of the hospital:",
    "field.mutual-aid-claim.admission_date.label": "Admission date",
    "field.mutual-aid-claim.admission_date.prompt": "Date of admission (e.g. 2026-03-01):",
    "field.mutual-aid-claim.discharge_date.label": "Discharge date",
    "field.mutual-aid-claim.discharge_date.prompt": "Date of discharge:",
    "field.mutual-aid-claim.total_amount.label": "Total cost",
    "field.mutual-aid-claim.total_amount.prompt": "Total medical cost, in yuan:",
    "field.mutual-aid-claim.self_paid_amount.label": "Self-paid amount",
    "field.mutual-aid-claim.self_paid_amount.prompt": "Of that, how much did you pay "
    "yourself, in yuan?",
    "field.mutual-aid-claim.receipts.label": "Receipt photos",
    "field.mutual-aid-claim.receipts.prompt": "Please send photos of the receipts and the "
    "discharge summary.",
    "field.hardship-aid.hardship_kind.label": "Kind of hardship",
    "field.hardship-aid.hardship_kind.prompt": "What kind of hardship is it?",
    "field.hardship-aid.hardship_kind.choice.illness": "Serious illness",
    "field.hardship-aid.hardship_kind.choice.accident": "Accident",
    "field.hardship-aid.hardship_kind.choice.disaster": "Natural disaster",
    "field.hardship-aid.hardship_kind.choice.family": "Family crisis",
    "field.hardship-aid.hardship_kind.choice.other": "Other",
    "field.hardship-aid.household_size.label": "Household size",
    "field.hardship-aid.household_size.prompt": "How many people live in your household? "
    "(you may skip)",
    "field.legal-aid.employer.label": "Employer",
    "field.legal-aid.employer.prompt": "Which employer is the dispute with?",
    "field.legal-aid.dispute_kind.label": "Kind of dispute",
    "field.legal-aid.dispute_kind.prompt": "What is the dispute about?",
    "field.legal-aid.dispute_kind.choice.wages": "Wages",
    "field.legal-aid.dispute_kind.choice.contract": "Labour contract",
    "field.legal-aid.dispute_kind.choice.dismissal": "Dismissal",
    "field.legal-aid.dispute_kind.choice.work-injury": "Work injury",
    "field.legal-aid.dispute_kind.choice.social-insurance": "Social insurance",
    "field.legal-aid.dispute_kind.choice.other": "Other",
    "field.job-services.trade.label": "Trade",
    "field.job-services.trade.prompt": "What kind of work are you looking for? (you may skip)",
    "field.small-loan.amount.label": "Amount",
    "field.small-loan.amount.prompt": "How much would you like to borrow, in yuan?",
    "field.small-loan.purpose.label": "Purpose",
    "field.small-loan.purpose.prompt": "What is the loan for?",
    # Tickets: the worker's side
    "ticket.field_line": "{label}: {value}",
    "ticket.files_only": "(photos or files)",
    "ticket.workplace": "Company / place: {workplace}",
    "tickets.none": "You have not filed any requests yet.",
    "tickets.list": "<b>My requests</b> (press a reference for details)",
    "tickets.line": "{reference} · {category} · <i>{status}</i>",
    "tickets.detail": (
        "<b>{reference}</b> {category}\nStatus: {status}\nFiled: {created}\nDetails: {summary}"
    ),
    "tickets.anonymous": "(filed anonymously)",
    "tickets.thread": "<b>Messages</b>",
    "tickets.thread_line": "[{when}] {who}: {body}",
    "tickets.from_me": "Me",
    "tickets.from_officer": "Union officer",
    "tickets.rated": "Your rating: {score} stars",
    "tickets.btn.view": "View request",
    "tickets.btn.add": "Add information",
    "tickets.btn.answer": "Answer",
    "tickets.btn.confirm": "✅ Solved, confirm",
    "tickets.btn.reopen": "↩️ Not solved, reopen",
    "tickets.add_prompt": "Type what you want to add to {reference} (photos are fine too):",
    "tickets.added": "Added to {reference} and passed on to the union officer.",
    "tickets.confirmed": "{reference} is confirmed solved and closed. Please rate the service:",
    "tickets.reopen_prompt": "Please say what is still not solved in {reference}:",
    "tickets.reopened": "{reference} is reopened; the union officer will follow up.",
    "tickets.thanks_rating": "Thank you for your rating ({score} stars)!",
    # Messages to the worker about their ticket
    "worker.claimed": "A union officer has taken up your request {reference}.",
    "worker.reply": "💬 About {reference}, the union officer replies:\n{text}",
    "worker.question": (
        "❔ About {reference}, the union officer asks:\n{text}\n"
        "Just type your answer (photos are fine too)."
    ),
    "worker.resolved": (
        "✅ Your request {reference} is resolved:\n{text}\n"
        "Is it solved? Please confirm or reopen, and rate the service."
    ),
    "worker.auto_closed": "{reference} was resolved and, with no answer from you, is now "
    "closed. Thank you.",
    "worker.escalated": "Your request {reference} was passed to a higher union body to speed "
    "it up.",
    # Officers
    "officer.invite_invalid": "That invite code is not valid or has expired; ask an admin for "
    "a new one.",
    "officer.linked": "Linked to officer account {name}. New tickets will arrive here.",
    "officer.not_officer": "Only union officers can use this.",
    "officer.new_ticket": "🆕 <b>New ticket {reference}</b>",
    "officer.card_title": "📄 <b>{reference}</b>",
    "officer.reassigned_ticket": "🔀 <b>Ticket passed to you: {reference}</b>",
    "officer.escalated_ticket": "⏫ <b>Overdue, escalated: {reference}</b>",
    "officer.card": (
        "Kind: {kind}, category: {category}\nStatus: {status}\nFiled by: {worker}\n"
        "First response due: {first_due}\nResolution due: {resolution_due}\nDetails: {summary}"
    ),
    "officer.card_urgent": "❗<b>URGENT</b>",
    "officer.card_escalated": "Escalated {level} level(s)",
    "officer.worker_anonymous": "anonymous",
    "officer.worker_named": "{name}",
    "officer.btn.claim": "Claim",
    "officer.btn.reply": "Reply",
    "officer.btn.ask": "Ask worker",
    "officer.btn.note": "Note",
    "officer.btn.resolve": "Resolve",
    "officer.btn.reassign": "Reassign",
    "officer.btn.view": "View",
    "officer.claimed": "You claimed {reference}.",
    "officer.prompt_reply": "Type your reply to the worker ({reference}):",
    "officer.prompt_ask": "Type your question for the worker ({reference}):",
    "officer.prompt_note": "Type an internal note ({reference}; the worker never sees it):",
    "officer.prompt_resolve": "Type the resolution ({reference}); the worker will get it:",
    "officer.prompt_reassign_reason": "Why are you reassigning {reference}?",
    "officer.reassign_which": "Reassign {reference} to which queue?",
    "officer.done_reply": "Reply passed to the worker ({reference}).",
    "officer.done_ask": "Question passed to the worker; waiting for the answer ({reference}).",
    "officer.done_note": "Note saved, officers only ({reference}).",
    "officer.done_resolve": "{reference} resolved; waiting for the worker to confirm.",
    "officer.done_rq": "{reference} reassigned.",
    "officer.worker_wrote": "💬 {reference}, {worker} writes:\n{text}",
    "officer.worker_confirmed": "✅ The worker confirmed {reference} is solved.",
    "officer.worker_reopened": "↩️ The worker reopened {reference}: {reason}",
    "officer.worker_rated": "⭐ The worker rated {reference}: {score} stars.",
    "officer.worker_unreachable": "⚠️ The worker of {reference} can no longer receive messages "
    "(the bot may be blocked).",
    "officer.queue_title": "<b>Queue</b>",
    "officer.queue_empty": "No open tickets in your queues.",
    "officer.mine_title": "<b>Assigned to me</b>",
    "officer.mine_empty": "No tickets are assigned to you.",
    "officer.queue_line": "{urgent}{reference} · {category} · {status} · {due}",
    "officer.ticket_usage": "Usage: /ticket REF, e.g. /ticket GR-2026-000001",
    "history.line": "[{when}] {text}",
    "history.earlier": "({count} earlier entries not shown)",
    "history.message": "{who}: {body}",
    "history.said_by": "{name}",
    "history.note_by": "Internal note ({name})",
    "history.officer": "Officer",
    "history.nobody": "nobody yet",
    "history.actor.worker": "Worker",
    "history.actor.officer": "Officer",
    "history.actor.system": "System",
    "history.reason": "; reason: {reason}",
    "history.now_status": " → {status}",
    "history.why.first_response_overdue": "first response overdue",
    "history.why.resolution_overdue": "resolution overdue",
    "history.officer.created": "Filed by {actor}",
    "history.officer.assign": "Assigned to {officer} automatically",
    "history.officer.unassigned": "No available officer in the queue; waiting to be claimed",
    "history.officer.claim": "Claimed by {actor}",
    "history.officer.reassign": "{actor} reassigned it: {from_queue} → {to_queue}, "
    "now held by {officer}",
    "history.officer.escalate": "Escalated ({why}): {from_queue} → {to_queue}, level {level}",
    "history.officer.resolve": "Resolved by {actor}",
    "history.officer.confirm": "The worker confirmed it solved",
    "history.officer.auto_close": "Closed automatically: no answer from the worker",
    "history.officer.reopen": "Reopened by the worker",
    "history.officer.rate": "The worker rated it {score} stars",
    "history.officer.other": "{actor}: {event}",
    "history.worker.created": "Filed",
    "history.worker.claim": "A union officer took it up",
    "history.worker.reassign": "Passed to another union officer",
    "history.worker.escalate": "Passed up to the higher-level union",
    "history.worker.resolve": "The union officer gave a resolution",
    "history.worker.confirm": "You confirmed it solved",
    "history.worker.auto_close": "Closed automatically after no answer",
    "history.worker.reopen": "You reopened it",
    "history.worker.other": "Updated",
    "tickets.progress": "<b>Progress</b>",
    "pending.cancelled.reply": "Your reply to {reference} is cancelled; nothing was sent.",
    "pending.cancelled.ask": "Your question on {reference} is cancelled; nothing was sent.",
    "pending.cancelled.note": "Your note on {reference} is cancelled; nothing was saved.",
    "pending.cancelled.resolve": "Resolving {reference} is cancelled; its status is unchanged.",
    "pending.cancelled.rq": "Reassigning {reference} is cancelled; it stays where it was.",
    "pending.cancelled.add": "Adding to {reference} is cancelled; nothing was sent.",
    "pending.cancelled.reopen": "Reopening {reference} is cancelled; its status is unchanged.",
    "officer.due.first_response": "first response due {time}",
    "officer.due.first_response_overdue": "⏰ first response overdue since {time}",
    "officer.due.resolution": "resolution due {time}",
    "officer.due.resolution_overdue": "⏰ resolution overdue since {time}",
    "officer.due_none": "no deadline",
    "officer.card_photos": "📷 {count} photo(s)",
    "officer.card_documents": "📎 {count} document(s)",
    "officer.card_files_sep": ", ",
    "officer.card_withheld": " ({count} document(s) withheld to keep the worker anonymous)",
    "officer.history": "<b>History</b>",
    # Officers' groups: one forum topic per ticket
    "error.not_allowed.admins_only": "Only an admin of the bot can do that.",
    "error.invalid.unknown_queue": "There is no queue with that key.",
    "group.linked": "✅ This group now works the queue “{queue}” ({code}): every ticket of "
    "the queue gets its own topic here. Officers of the queue answer the worker by writing "
    "in the ticket's topic; the worker does not see who answers, and an anonymous worker "
    "stays anonymous.",
    "group.unlinked": "This group no longer receives tickets of: {queues}.",
    "group.unlinked_none": "This group was not linked to any queue.",
    "group.link_usage": "Send <code>/linkgroup QUEUE_KEY</code> here to link a queue. "
    "Queues: {queues}",
    "group.link_in_group": "Send /linkgroup QUEUE_KEY in the officers' group itself: a "
    "supergroup with topics turned on, where this bot is an admin allowed to manage topics.",
    "group.not_officer": "Only officers of this ticket's queue can answer the worker here. "
    "Your message was not passed on.",
    "group.text_only": "Only text is passed on to the worker; please write your answer.",
    "topic.title": "{reference} · {category}",
    "topic.reopened": "♻️ <b>{reference}</b>: its topic was deleted, so the ticket goes on "
    "here. The ticket and its history:",
    "topic.auto_closed": "🔒 {reference} closed by itself: the worker did not answer after "
    "it was resolved.",
    "topic.claimed": "🙋 {officer} took {reference}.",
    "topic.done_reply": "💬 {officer} answered the worker ({reference}):\n{text}",
    "topic.done_ask": "❓ {officer} asked the worker ({reference}):\n{text}",
    "topic.done_note": "📝 Note by {officer} ({reference}, officers only):\n{text}",
    "topic.done_resolve": "✅ {officer} resolved {reference}:\n{text}",
    "topic.done_rq": "🔀 {officer} passed {reference} to another queue:\n{text}",
    "officer.files": "📎 Photos and files of {reference}",
    "officer.files_withheld": "📎 {count} document(s) of {reference} are not shown: their "
    "file names could reveal who the worker is. Ask the worker for a photo instead.",
    # Admin reports (`workerbot report ...`), plain text for the terminal and spreadsheets
    "report.all_units": "all units",
    "report.no_unit": "unit not given",
    "report.total": "Total",
    "report.status.new": "new",
    "report.status.assigned": "assigned",
    "report.status.in_progress": "in progress",
    "report.status.waiting_worker": "waiting for worker",
    "report.status.resolved": "resolved",
    "report.status.reopened": "reopened",
    "report.status.closed": "closed",
    "report.col.section": "section",
    "report.col.kind": "kind",
    "report.col.category": "category",
    "report.col.queue": "queue",
    "report.col.queue_name": "queue name",
    "report.col.name": "name",
    "report.col.unit": "unit",
    "report.col.opened": "opened",
    "report.col.resolved": "resolved",
    "report.col.closed": "closed",
    "report.col.overdue_first_response": "overdue 1st response",
    "report.col.overdue_resolution": "overdue resolution",
    "report.col.escalations": "escalations",
    "report.col.median_first_response": "median 1st response (h)",
    "report.col.median_resolution": "median resolution (h)",
    "report.col.satisfaction": "avg satisfaction",
    "report.col.ratings": "ratings",
    "report.col.status": "status",
    "report.col.count": "times",
    "report.col.people": "people",
    "report.col.nearest_entry": "nearest entry",
    "report.col.score": "best score",
    "report.col.language": "language",
    "report.col.last_asked": "last asked",
    "report.col.question": "question",
    "report.col.normalised": "normalised",
    "report.tickets.title": "Tickets {first} to {last}, {unit}",
    "report.tickets.empty": "No ticket was opened, resolved, closed or escalated from {first} "
    "to {last}, and none is overdue now.",
    "report.tickets.note": "Opened, status, times and satisfaction are about tickets opened "
    "in the period; resolved, closed and escalations count what happened in the period; "
    "overdue counts open tickets past a deadline now ({now}).",
    "report.tickets.by_status": "Tickets opened in the period, by status now",
    "report.tickets.by_category": "By category",
    "report.tickets.by_queue": "By queue",
    "report.council.title": "Worker council agenda, grievances {first} to {last}, {unit}",
    "report.council.empty": "No grievance was raised from {first} to {last}.",
    "report.questions.title": "Unanswered questions {first} to {last}, {unit}",
    "report.questions.note": "{count} question(s) the knowledge base could not answer, "
    "{groups} different ones, most frequent first.",
    "report.questions.table": "Questions to add to the knowledge base",
    "report.questions.empty": "No question went unanswered from {first} to {last}.",
    # Flood control and blocks
    "error.flood": "You are writing too fast. Please wait a minute before the next message; "
    "messages sent in the meantime are not read.",
    "error.not_allowed.block_officer": "This is a union officer and cannot be blocked; "
    "ask an admin.",
    "error.not_allowed.block_gone": "This worker's data is no longer held.",
    "block.btn": "🚫 Block this worker",
    "block.btn_yes": "Yes, block",
    "block.confirm": "Block the worker who filed {reference}? They will no longer be able to "
    "write to the bot; their tickets stay as they are. Only an admin can lift the block.",
    "block.done": "The worker who filed {reference} is blocked. An admin can lift it with "
    "workerbot block lift {reference}.",
    "block.already": "The worker who filed {reference} is blocked already.",
    "block.told": "Because your messages broke the rules of use, a union officer has stopped "
    "you from writing to this service. The requests you filed are kept. If you disagree, "
    "please contact your union.",
    "block.refused": "You have been stopped from writing to this service. If you disagree, "
    "please contact your union.",
    "block.lifted": "You can use this service again. Send /start for the menu.",
    "history.officer.blocked": "{actor} blocked the worker",
    "history.officer.unblocked": "An admin lifted the block on the worker",
    "history.via_console": " (console)",
    "history.officer.reply": "{actor} replied to the worker",
    "history.officer.ask_worker": "{actor} asked the worker",
    "history.officer.note": "{actor} wrote an internal note",
    "history.officer.worker_message": "The worker wrote",
    "officer.web_link": "Your console sign-in link (works once, for 10 minutes):\n{url}",
    "officer.web_unconfigured": "The console's address is not set up "
    "(WORKERBOT_WEB_BASE_URL); ask an admin.",
    "web.title": "Union console",
    "web.nav.inbox": "Inbox",
    "web.nav.admin": "Admin",
    "web.nav.logout": "Sign out",
    "web.nav.language": "Language",
    "web.signin.title": "Sign-in link",
    "web.signin.forged": "This sign-in link is not valid: it was mistyped or cut short.",
    "web.signin.used": "This sign-in link was already used. Each link works only once.",
    "web.signin.expired": "This sign-in link has expired: links work for 10 minutes.",
    "web.signin.inactive": "This officer account is deactivated.",
    "web.signin.throttled": "Too many sign-in links that did not work came from your "
    "address. Wait a quarter of an hour and try again.",
    "web.signin.how": "For a new link, send /web to the bot, or ask an admin to run "
    "workerbot officer login-link with your officer number.",
    "web.signin.open_in_browser": "Open this sign-in link in your browser.",
    "web.signed_out": "You are signed out.",
    "web.need_signin": "Please sign in with a link: send /web to the bot.",
    "web.not_found": "Not found. The ticket does not exist or is not in your queues.",
    "web.forbidden": "This form has expired or did not come from this console. Reload the "
    "page and try again.",
    "web.back": "Back to the inbox",
    "web.inbox.title": "Inbox",
    "web.inbox.search": "Search (reference, summary, messages)",
    "web.inbox.status": "Status",
    "web.inbox.open": "Open",
    "web.inbox.all": "All",
    "web.inbox.queue": "Queue",
    "web.inbox.unit": "Unit (and below)",
    "web.inbox.category": "Category",
    "web.inbox.assignee": "Assignee",
    "web.inbox.unassigned": "Nobody",
    "web.inbox.overdue": "Overdue only",
    "web.inbox.anonymous": "Anonymous only",
    "web.inbox.from": "Filed from",
    "web.inbox.to": "to",
    "web.inbox.apply": "Filter",
    "web.inbox.reset": "Clear",
    "web.inbox.any": "Any",
    "web.inbox.empty": "No ticket matches.",
    "web.inbox.total": "{count} ticket(s)",
    "web.inbox.previous": "← Previous",
    "web.inbox.next": "Next →",
    "web.inbox.page": "Page {page}",
    "web.col.reference": "Reference",
    "web.col.category": "Category",
    "web.col.status": "Status",
    "web.col.queue": "Queue",
    "web.col.assignee": "Assignee",
    "web.col.due": "Next deadline",
    "web.col.summary": "Summary",
    "web.ticket.summary": "Summary",
    "web.ticket.details": "Details",
    "web.ticket.worker": "Worker",
    "web.ticket.unit": "Unit",
    "web.ticket.workplace": "Workplace",
    "web.ticket.queue": "Queue",
    "web.ticket.assignee": "Assignee",
    "web.ticket.created": "Filed",
    "web.ticket.due": "Next deadline",
    "web.ticket.thread": "Conversation",
    "web.ticket.internal": "internal note",
    "web.ticket.worker_said": "Worker",
    "web.ticket.files": "Photos and files",
    "web.ticket.file_withheld": "{count} document(s) withheld: their names could identify "
    "an anonymous worker.",
    "web.ticket.trail": "Audit trail",
    "web.ticket.actions": "Work this ticket",
    "web.ticket.claim": "Claim",
    "web.ticket.reply": "Reply to the worker",
    "web.ticket.ask": "Ask the worker",
    "web.ticket.note": "Internal note",
    "web.ticket.resolve": "Resolve with a result",
    "web.ticket.reassign": "Reassign to queue",
    "web.ticket.reason": "Reason",
    "web.ticket.send": "Send",
    "web.ticket.changed": "Someone else changed this ticket meanwhile: it is now {status}, "
    "held by {assignee}. Nothing was done; what you typed is kept below.",
    "web.ticket.nobody": "nobody",
    "web.ticket.file": "File",
    "web.admin.officers": "Officers",
    "web.admin.name": "Name",
    "web.admin.role": "Role",
    "web.admin.role_officer": "officer",
    "web.admin.role_admin": "admin",
    "web.admin.linked": "Messenger linked",
    "web.admin.yes": "yes",
    "web.admin.no": "not yet",
    "web.admin.queues": "Queues",
    "web.admin.inactive": "deactivated",
    "web.admin.save_queues": "Save queues",
    "web.admin.deactivate": "Deactivate",
    "web.admin.activate": "Activate",
    "web.admin.add_officer": "Add officer",
    "web.admin.make_admin": "Admin (sees every ticket)",
    "web.admin.units": "Units",
    "web.admin.add_unit": "Add unit",
    "web.admin.key": "Key",
    "web.admin.kind": "Kind",
    "web.admin.parent": "Belongs to",
    "web.admin.unit": "Unit",
    "web.admin.queue_list": "Queues",
    "web.admin.add_queue": "Add queue",
    "web.admin.active_officers": "{count} active officer(s)",
    "web.admin.rules": "Routing rules in force",
    "web.admin.rules_note": "Read-only: the first matching rule chooses the queue; edit the "
    "routing file (WORKERBOT_ROUTING_PATH) and restart to change them.",
    "web.admin.rule_matches": "Matches",
    "web.admin.rule_queue": "Queue",
    "web.admin.officer_added": "Officer {name} added.",
    "web.admin.invite": "One-time invite code (shown only now, valid 7 days): {code}. The "
    "officer sends the bot: /start {code}",
    "web.admin.unit_added": "Unit {name} added.",
    "web.admin.queue_added": "Queue {name} added.",
    "web.admin.deactivated": "{name} is deactivated and signed out everywhere.",
    "web.admin.activated": "{name} is active again.",
    "web.admin.queues_changed": "Queues of {name} saved.",
    "web.ticket.saved": "Saved reply",
    "web.ticket.use_saved": "Put in the reply box",
    "web.admin.saved": "Saved replies",
    "web.admin.saved_note": "Placeholders: {reference} the ticket, {officer} the replying "
    "officer's name, {deadline} the ticket's next deadline.",
    "web.admin.saved_title": "Title",
    "web.admin.saved_body": "Text",
    "web.admin.saved_language": "Language",
    "web.admin.add_saved": "Add saved reply",
    "web.admin.remove": "Remove",
    "web.admin.saved_added": "Saved reply {name} added.",
    "web.admin.saved_removed": "Saved reply removed.",
    "chart.title": "Service at a glance {first} to {last}, {unit}",
    "chart.note": "Tickets count in the week they were opened; resolutions and escalations "
    "in the week they happened. The backlog is as of {now}.",
    "chart.week": "week (Monday)",
    "chart.count": "number",
    "chart.share": "% on time",
    "chart.hours": "hours",
    "chart.rating": "rating",
    "chart.open": "open",
    "chart.overdue": "overdue",
    "chart.opened": "New tickets per week, by category",
    "chart.resolved": "Resolved tickets per week, by category",
    "chart.first-response-on-time": "Answered within the first-response deadline, % per week",
    "chart.resolution-on-time": "Resolved within the resolution deadline, % per week",
    "chart.median-times": "Median first-response and resolution times per week (hours)",
    "chart.escalations": "Escalations per week, by the queue that let the deadline pass",
    "chart.backlog-by-queue": "Open backlog now, by queue",
    "chart.backlog-by-unit": "Open backlog now, by unit",
    "chart.ratings": "Satisfaction ratings (1-5)",
    "chart.satisfaction-by-queue": "Mean satisfaction by queue",
    "chart.faq": "Knowledge base per week",
    "chart.faq.answered": "answered",
    "chart.faq.suggested": "suggestions offered",
    "chart.faq.unanswered": "unanswered",
    "chart.faq.helpful": "rated helpful",
    "chart.faq.not_helpful": "rated not helpful",
    "chart.col.chart": "chart",
    "chart.col.label": "label",
    "chart.col.series": "series",
    "chart.col.value": "value",
    "council.topics": "Topics",
    "council.examples": "What workers wrote (names, numbers and ids masked)",
    "council.note": "{count} grievance(s) in {topics} topic(s), grouped by what they say. "
    "“before”: grievances of the same topic from {first} to {last}. A unit is named only "
    "with at least {threshold} grievances in a topic. No worker's identity is shown.",
    "council.unit": "{name} ({count})",
    "council.other_units": "other units ({count})",
    "council.separator": ", ",
    "council.col.topic": "no.",
    "council.col.title": "topic",
    "council.col.categories": "categories",
    "council.col.grievances": "grievances",
    "council.col.workers": "workers",
    "council.col.previous": "before",
    "council.col.change": "change",
    "council.col.still_open": "still open",
    "council.col.units": "units",
    "council.col.example": "example",
    "council.heading": "Topic {number}: {title}",
    "council.figures": "{grievances} grievance(s) from {workers} worker(s); {previous} in the "
    "previous period ({change}); {still_open} still open.",
    "council.printed": "Prepared {now}.",
    # The worker's own data
    "privacy.mydata": "Here is everything we hold about you (profile, requests, messages, "
    "ratings, unanswered questions, the surveys you answered).",
    "privacy.forget_confirm": "Erase your personal data? Your name, account, chat and "
    "everything you wrote will be deleted for good; your requests stay only as anonymous "
    "figures, and open ones will not be worked on further.",
    "privacy.btn_forget": "Yes, erase",
    "privacy.forgotten": "Your personal data has been erased. If you write to us again, "
    "we will meet you as someone new.",
    "error.not_allowed.privacy_officer": "An officer's account cannot be erased this way; "
    "ask an admin to deactivate it.",
    "error.not_allowed.privacy_gone": "Your data is no longer held.",
    "officer.worker_withdrew": "The worker who filed {reference} withdrew and had their "
    "personal data erased; they can no longer be reached. The ticket stays for the figures: "
    "please close it as fits.",
    "history.officer.erased": "The worker had their personal data erased",
    "history.officer.purged": "The worker's words were erased after the retention period",
    # Announcements
    "announce.unsubscribe": "Unsubscribe from announcements",
    "announce.unsubscribed": "Unsubscribed: you will no longer get the union's announcements. "
    "Send /subscribe to get them again.",
    "announce.resubscribe": "Subscribe again",
    "announce.subscribed": "Subscribed again to the union's announcements. "
    "Send /unsubscribe at any time to stop them.",
    # Console: reports, the council agenda and the knowledge base
    "web.nav.reports": "Reports",
    "web.nav.knowledge": "Knowledge base",
    "web.nav.council": "Worker council agenda",
    "web.reports.from": "From",
    "web.reports.to": "To",
    "web.reports.unit": "Unit",
    "web.reports.all_units": "All units",
    "web.reports.show": "Show",
    "web.reports.this_quarter": "This quarter",
    "web.reports.last_quarter": "Last quarter",
    "web.reports.last_30_days": "Last 30 days",
    "web.reports.council_link": "Worker council agenda (printable)",
    "web.reports.csv_all": "Download every chart's figures (CSV)",
    "web.council.print": "Print it from the browser for an A4 document (the console's menus "
    "are left out).",
    "web.glance.title": "This quarter at a glance, {first} to {last}",
    "web.glance.opened": "New tickets",
    "web.glance.resolved": "Resolved",
    "web.glance.on_time": "First response on time",
    "web.glance.resolved_on_time": "Resolved on time",
    "web.glance.median_first": "Median first response",
    "web.glance.satisfaction": "Mean satisfaction",
    "web.glance.open_now": "Open now",
    "web.glance.overdue": "{count} overdue",
    "web.glance.escalations": "Escalations",
    "web.glance.faq": "Knowledge base: answered / failed",
    "web.glance.reports": "All charts",
    "web.glance.council": "Worker council agenda",
    "web.glance.knowledge": "Close knowledge-base gaps ({count} questions failed)",
    "web.kb.intro": "The questions workers asked that the bot could not answer, or whose "
    "answer they rated not helpful, grouped by what they say. Add them as other ways to ask "
    "an entry, or write a new entry; once saved, the bot answers from the new knowledge base "
    "within seconds, without a restart.",
    "web.kb.new_entry": "Write a new entry",
    "web.kb.no_knowledge": "This console has no knowledge base loaded to try questions on.",
    "web.kb.sync_error": "The newest saved version is not in use: the bot still answers from "
    "the one before. Why:",
    "web.kb.refused": "Not saved: the knowledge base would not load with this change. Why:",
    "web.kb.saved": "Saved as version {revision}. The bot answers from it within {seconds} "
    "seconds, without a restart.",
    "web.kb.col.question": "question",
    "web.kb.col.before": "before",
    "web.kb.col.after": "after",
    "web.kb.col.when": "when",
    "web.kb.col.who": "who",
    "web.kb.col.what": "what",
    "web.kb.col.entry": "entry",
    "web.kb.try": "Try it: what the bot answers now",
    "web.kb.try_placeholder": "Type what a worker might ask",
    "web.kb.try_button": "Try",
    "web.kb.answers": "Answers with",
    "web.kb.suggests": "Not sure, offers:",
    "web.kb.not_sure": "Does not know, offers an officer",
    "web.kb.score": "score {score}",
    "web.kb.gaps": "Questions the bot failed, last {days} days",
    "web.kb.order_frequent": "Most asked first",
    "web.kb.order_newest": "Newest first",
    "web.kb.gap_counts": "{count} times by {people} people; {unanswered} not answered, "
    "{not_helpful} rated not helpful; last {when}",
    "web.kb.add_to": "Add the ticked questions as other ways to ask this entry:",
    "web.kb.search": "Search entries (a question, words or an entry id)",
    "web.kb.nothing_found": "No entry found.",
    "web.kb.add_alternates": "Add as other ways to ask",
    "web.kb.new_from_gap": "or write a new entry",
    "web.kb.choose_entry": "Choose the entry to add the questions to first.",
    "web.kb.no_gaps": "No question went unanswered.",
    "web.kb.more_gaps": "{count} more groups; they show once the ones above are done.",
    "web.kb.history": "Changes",
    "web.kb.no_history": "The knowledge base has not been changed in the console yet.",
    "web.kb.action.alternates": "other ways to ask added",
    "web.kb.action.new_entry": "new entry",
    "web.kb.action.edit_entry": "entry changed",
    "web.kb.back": "Back to the knowledge base",
    "web.kb.entry_title": "New knowledge-base entry",
    "web.kb.entry_note": "It is checked with the whole knowledge base before it is saved "
    "(as workerbot faq check does); a problem is shown and nothing is saved.",
    "web.kb.from_ticket": "Prefilled from {reference}: names, messenger ids and phone and ID "
    "numbers are masked (***). Check the wording before saving.",
    "web.kb.field.id": "Entry id (lower-case letters, digits and -)",
    "web.kb.field.language": "Language",
    "web.kb.field.question": "Question",
    "web.kb.field.alternates": "Other ways to ask (one per line)",
    "web.kb.field.keywords": "Keywords (comma-separated, optional)",
    "web.kb.field.answer": "Answer",
    "web.kb.field.tags": "Tags (comma-separated, optional)",
    "web.kb.save_entry": "Save the entry",
    "web.kb.make_entry": "Make this an FAQ entry",
    # Surveys
    "survey.btn_answer": "📝 Answer the survey",
    "survey.intro": "<b>{title}</b>\n{count} questions, open until {closes}. "
    "Your answers are anonymous: they are kept apart from who you are, so nobody can "
    "tell which answers are yours.",
    "survey.resumed": "Welcome back: {left} questions left (open until {closes}).",
    "survey.question": "Question {number}/{total}\n<b>{text}</b>\n{hint}",
    "survey.hint_single": "Choose one.",
    "survey.hint_multiple": "Choose all that apply, then press Done.",
    "survey.hint_scale": "1 = very dissatisfied · 5 = very satisfied",
    "survey.hint_text": "Type your answer, or press Skip.",
    "survey.btn_done": "✅ Done",
    "survey.btn_skip": "Skip",
    "survey.btn_later": "⏸ Later",
    "survey.later": "Saved. To go on, press “Answer the survey” under the announcement "
    "(open until {closes}).",
    "survey.thanks": "Thank you! Your answers are in, anonymously.",
    "survey.answered": "(answered)",
    "survey.old_button": "That button belongs to an earlier question; you are here:",
    "survey.error.pick_one": "Choose at least one option, then press Done.",
    "survey.not_invited": "This survey was not sent to you.",
    "survey.already_answered": "You have already answered this survey. Thank you!",
    "survey.closed": "This survey has closed and takes no more answers. "
    "Thank you for your interest!",
    # Console: announcements, surveys, retention
    "web.nav.announcements": "Announcements",
    "web.nav.surveys": "Surveys",
    "web.nav.retention": "Retention",
    "web.announce.none": "No announcements yet.",
    "web.announce.write": "Write an announcement",
    "web.announce.text": "Text",
    "web.announce.photo": "Photo (file id or https URL, optional)",
    "web.announce.links": "Link buttons (optional)",
    "web.announce.link_label": "Label",
    "web.announce.link_url": "Link",
    "web.announce.at": "Send at (empty: now)",
    "web.announce.send": "Send",
    "web.announce.when": "Starts",
    "web.announce.progress": "Progress",
    "web.announce.figures": "sent {sent} · left {left} · failed {failed} (blocked the bot "
    "{blocked}) · of {total}",
    "web.announce.status_scheduled": "scheduled",
    "web.announce.status_sending": "sending",
    "web.announce.status_paused": "paused",
    "web.announce.status_cancelled": "cancelled",
    "web.announce.status_done": "done",
    "web.announce.pause": "Pause",
    "web.announce.resume": "Resume",
    "web.announce.cancel": "Cancel",
    "web.audience.unit": "To the workers of (and the units below)",
    "web.audience.everyone": "Every subscribed worker",
    "web.audience.language": "Language",
    "web.audience.any_language": "Any language",
    "web.surveys.none": "No surveys yet.",
    "web.surveys.title": "Title",
    "web.surveys.intro": "Introduction",
    "web.surveys.closes": "Closes",
    "web.surveys.state": "State",
    "web.surveys.state_draft": "not sent",
    "web.surveys.state_open": "open",
    "web.surveys.state_closed": "closed",
    "web.surveys.answered": "Answered",
    "web.surveys.answered_count": "{count} answered",
    "web.surveys.build": "Build a survey",
    "web.surveys.build_help": "Questions left blank are left out. Single and multiple "
    "choice: one option per line (2-8); scale: 1-5; a text question may be skipped.",
    "web.surveys.question": "Question {number}",
    "web.surveys.kind": "Kind",
    "web.surveys.kind_single": "Single choice",
    "web.surveys.kind_multiple": "Multiple choice",
    "web.surveys.kind_scale": "Scale (1-5)",
    "web.surveys.kind_text": "Free text",
    "web.surveys.question_text": "Question",
    "web.surveys.options": "Options (one per line)",
    "web.surveys.create": "Save the survey",
    "web.surveys.send": "Send the survey",
    "web.surveys.close": "Close now",
    "web.surveys.invitations": "Invitation",
    "web.surveys.results": "Results",
    "web.surveys.answer": "Answer",
    "web.surveys.count": "People",
    "web.surveys.mean": "Mean {mean}",
    "web.retention.explain": "{days} days after a ticket is closed, the scheduler erases "
    "the worker's personal data on it (name, what they wrote, files); the ticket stays for "
    "the figures. These tickets go next.",
    "web.retention.none": "No closed ticket holds a worker's personal data now.",
    "web.retention.ticket": "Ticket",
    "web.retention.closed": "Closed",
    "web.retention.purged": "Erased on",
    "web.retention.at_most": "At most {count} are shown.",
    # Merging duplicates and collective cases
    "officer.btn.merge": "Merge duplicate",
    "officer.prompt_merge": (
        "Which ticket is {reference} a duplicate of? Send the reference to merge it into "
        "(e.g. GR-2026-000123). {reference} will close and its worker is told."
    ),
    "officer.done_merge": "{reference} was merged as a duplicate and closed.",
    "officer.merged_card": "🔗 <b>A duplicate was merged into {reference}</b>",
    "pending.cancelled.merge": "Merging {reference} cancelled; the ticket is unchanged.",
    "topic.done_merge": (
        "🔗 {officer} merged {reference} into {text} as a duplicate; this ticket is closed."
    ),
    "worker.merged_own": (
        "🔗 Your request {reference} is about the same matter as your request {target} and wa"
        "s merged into it. Please follow and add to {target} from now on."
    ),
    "worker.merged": (
        "🔗 Your request {reference} is handled together with a request about the same matter"
        " that the union is working on, and is closed. If something new comes up, start a new"
        " request from the menu."
    ),
    "error.not_allowed.merged": (
        "This request was merged with a matter the union is already handling and is closed. "
        "If something new comes up, send /start for a new request."
    ),
    "error.not_allowed.merge_itself": "A ticket cannot be merged into itself.",
    "error.not_allowed.merge_target_closed": (
        "That ticket is resolved or closed and cannot take a merge. Choose a ticket that is "
        "still open."
    ),
    "error.invalid.not_a_reference": (
        "That is not a ticket reference; use the form GR-2026-000123."
    ),
    "error.invalid.no_such_ticket": "There is no such ticket in your queues.",
    "history.officer.merged_into": "{actor} merged it into {ticket} as a duplicate",
    "history.officer.merged_from": "{actor} merged the duplicate {ticket} into it",
    "history.worker.merged_into": "Merged with a request about the same matter and closed",
    "error.case_not_found": (
        "There is no such collective case, or it has a ticket outside your queues."
    ),
    "error.not_allowed.case_resolved": "This collective case is resolved and cannot change.",
    "error.not_allowed.case_ticket_in": "That ticket is in this case already.",
    "error.not_allowed.case_ticket_taken": (
        "That ticket is in another collective case; take it out of that one first."
    ),
    "error.not_allowed.case_ticket_closed": "Only open tickets can join a collective case.",
    "error.not_allowed.case_last_ticket": "A case keeps at least one ticket.",
    "error.not_allowed.case_nothing_open": "The case has no open ticket to answer.",
    "history.officer.case_added": "{actor} added it to collective case #{case}",
    "history.officer.case_removed": "{actor} took it out of collective case #{case}",
    "history.in_case": " (collective case #{case})",
    # Console: merging and collective cases
    "web.ticket.merged_into": "This ticket was merged as a duplicate into:",
    "web.ticket.in_case": "This ticket is in collective case:",
    "web.ticket.merge": "Merge as a duplicate: reference of the ticket to merge into",
    "web.ticket.merge_note": (
        "This ticket closes and both tickets' audit trails record it; its worker is told, "
        "and learns nothing about any other worker."
    ),
    "web.ticket.merge_button": "Merge into that ticket",
    "web.ticket.new_case": "New collective case (many workers, one problem)",
    "web.ticket.new_case_note": (
        "Add the other tickets on the case page, then answer or resolve once: each worker "
        "gets the result on their own ticket."
    ),
    "web.ticket.new_case_button": "Open a case",
    "web.case.title": "Collective case #{number}",
    "web.case.status_open": "open",
    "web.case.status_resolved": "resolved",
    "web.case.explain": (
        "Each worker in the case hears only about their own request and never learns who "
        "else is in it; anonymous tickets stay anonymous."
    ),
    "web.case.tickets": "Tickets in the case ({count})",
    "web.case.remove": "Take out",
    "web.case.resolved_with": "Resolved on {when}:",
    "web.case.actions": "Work the case",
    "web.case.add": "Add a ticket: its reference",
    "web.case.add_button": "Add",
    "web.case.reach": (
        "Answers and the result go to the workers of the case's {count} open ticket(s)."
    ),
    "web.case.reply": "Answer every worker in the case",
    "web.case.resolve": "Resolve the case (every ticket with this result)",
    "web.case.done_created": "The collective case is open.",
    "web.case.done_added": "The ticket was added to the case.",
    "web.case.done_removed": "The ticket was taken out of the case.",
    "web.case.done_reply": "The answer was passed on to {count} worker(s).",
    "web.case.done_resolve": "The case is resolved; the result went to {count} worker(s).",
    "web.case.changed": (
        "Someone else changed this case or one of its tickets meanwhile; look again and "
        "retry. What you typed is kept."
    ),
    "web.case.not_found": (
        "Collective case not found: it does not exist, or it has a ticket outside your queues."
    ),
}
