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
    "report.col.category_name": "category name",
    "report.col.queue": "queue",
    "report.col.queue_name": "queue name",
    "report.col.name": "name",
    "report.col.unit": "unit",
    "report.col.unit_name": "unit name",
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
    "report.col.reference": "reference",
    "report.col.date": "date",
    "report.col.status": "status",
    "report.col.similar": "similar",
    "report.col.summary": "summary",
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
    "report.council.title": "Worker council agenda draft, grievances {first} to {last}, {unit}",
    "report.council.note": "{count} grievance(s). No worker's identity is shown. “similar” "
    "counts the other grievances of the same category with a similar summary.",
    "report.council.group": "{unit} · {category}: {count}",
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
    # The worker's own data
    "privacy.mydata": "Here is everything we hold about you (profile, requests, messages, "
    "ratings, unanswered questions).",
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
}
