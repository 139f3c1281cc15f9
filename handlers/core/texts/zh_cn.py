"""简体中文（默认语言）。Keys and {placeholders} must match en.py exactly (tested)."""

from __future__ import annotations

from typing import Final

TEXTS: Final[dict[str, str]] = {
    # Welcome, menu, help
    "welcome": (
        "您好！这里是工会职工服务助手。\n"
        "您可以直接输入问题，也可以反映问题、申请帮扶、查看您的诉求进度。"
    ),
    "welcome.officer": "您好！您已作为工会干部登录，可以处理分派给您的诉求。",
    "menu.title": "请选择您要办理的事项：",
    "menu.title_short": "主菜单",
    "menu.ask": "❓ 咨询问题",
    "menu.report": "📣 反映问题",
    "menu.help": "🤝 申请帮扶",
    "menu.mine": "📋 我的诉求",
    "menu.officer": "👤 找工会干部",
    "menu.lang": "🌐 语言 Language",
    "menu.queue": "📥 待办队列",
    "menu.assigned": "🗂 我负责的",
    "help.worker": (
        "<b>使用帮助</b>\n"
        "• 直接输入问题，我会从知识库中为您查找答案。\n"
        "• /start 主菜单　/tickets 我的诉求　/lang 切换语言\n"
        "• /cancel 随时取消当前填写　/help 查看本帮助\n"
        "您反映的问题会转给工会干部处理，可选择匿名。"
    ),
    "help.officer": (
        "<b>工会干部命令</b>\n"
        "/queue 队列中的待办诉求（最紧急的在前）\n"
        "/mine 分派给我的诉求\n"
        "/ticket 编号　查看诉求详情和记录，例如 /ticket GR-2026-000001\n"
        "管理员：在开启话题的干部群里发送 /linkgroup 队列代码，该队列的每件诉求都会在群里"
        "有自己的话题，干部在话题里发言即可回复职工。"
    ),
    "help.in_form": "您正在填写表单：请回答上面的问题，或发送 /cancel 取消。",
    "cancel.done": "已取消，没有提交任何内容。",
    "cancel.nothing": "当前没有需要取消的操作。",
    "lang.choose": "请选择语言 / Choose your language:",
    "lang.changed": "已切换为中文。",
    # Errors
    "error.internal": "抱歉，系统出了点问题，您刚才的操作没有完成。请稍后再试一次。",
    "error.unknown_command": "没有这个命令。发送 /help 查看可用的命令。",
    "error.unknown_action": "这个按钮已失效或无法识别。请从下面的菜单重新开始：",
    "error.ticket_generic": "这个操作现在无法完成。",
    "error.ticket_not_found": "找不到这个诉求，或者您无权查看。",
    "error.illegal_transition": "诉求当前的状态不允许这个操作。",
    "error.outside_window": "已超过可以重新打开的期限。如仍有问题，请提交新的诉求。",
    "error.not_allowed.officers_only": "只有工会干部可以进行这个操作。",
    "error.not_allowed.officer_inactive": "您的干部账号已停用。",
    "error.invalid.required": "这一项必须填写。",
    "error.invalid.too_long": "内容太长了，请精简一些。",
    "error.invalid.bad_date": "日期格式不正确。",
    "error.invalid.future_date": "日期不能晚于今天。",
    "error.invalid.bad_amount": "金额格式不正确。",
    "error.invalid.negative_amount": "金额不能为负数。",
    "error.invalid.amount_too_large": "金额过大，请核对。",
    "error.invalid.not_a_choice": "请从按钮中选择。",
    "error.invalid.too_many_photos": "照片太多了。",
    "error.invalid.not_a_photo": "请发送照片。",
    "error.invalid.unknown_field": "表单中有无法识别的项目。",
    "error.invalid.out_of_order": "填写的内容前后矛盾，请核对。",
    "error.invalid.unknown_category": "没有这个类别。",
    # Questions and the knowledge base
    "question.prompt": "请直接输入您的问题，例如“医疗互助怎么报销”。",
    "question.empty": "请用文字输入您的问题。",
    "question.photo_outside_form": (
        "收到照片。如需提交材料，请先“反映问题”或“申请帮扶”，在表单中上传。"
    ),
    "question.answer": "<b>{question}</b>\n\n{answer}\n\n这个回答对您有帮助吗？",
    "question.helped": "👍 有帮助",
    "question.not_helped": "👎 没解决，找人工",
    "question.glad": "很高兴能帮到您！还有其他问题可以继续提问。",
    "question.sorry": "抱歉没能解决您的问题。您可以提交给工会干部，由专人答复。",
    "question.did_you_mean": "我不太确定您问的是哪一个，您是想问：",
    "question.none_of_these": "都不是，找工会干部",
    "question.no_match": (
        "抱歉，知识库里暂时没有这个问题的答案。您的问题已记录，我们会补充。\n"
        "需要的话，可以直接提交给工会干部答复。"
    ),
    "question.open_request": "📝 提交给工会干部",
    # Crisis
    "crisis.self_harm": (
        "<b>您的安全最重要。</b>如果您现在有伤害自己的想法，请马上拨打：\n{hotlines}\n"
        "也可以告诉身边信任的人。您不是一个人。\n"
        "需要我们立即请工会干部紧急联系您吗？"
    ),
    "crisis.violence": (
        "<b>如果您正面临危险，请先确保自身安全，马上报警。</b>\n{hotlines}\n"
        "需要我们立即请工会干部紧急联系您吗？"
    ),
    "crisis.injury": (
        "<b>如有人受伤，请立即拨打急救电话，不要移动重伤人员。</b>\n{hotlines}\n"
        "需要我们立即请工会干部紧急联系您吗？"
    ),
    "crisis.yes": "是，请紧急联系我",
    "crisis.no": "不用了",
    "crisis.declined": "好的。如果需要，随时可以再联系我们。请保重。",
    "crisis.gone": "这个请求已处理过了。如有紧急情况，请直接拨打报警或急救电话。",
    "crisis.form_kept": "您刚才填写的表单还在，可以继续回答上面的问题。",
    # Forms
    "form.category.grievance": "您要反映哪方面的问题？",
    "form.category.help": "您需要哪方面的帮扶？",
    "form.what.grievance": "请描述发生了什么（时间、经过、影响了谁）：",
    "form.what.help": "请简单说明您的情况和需要的帮助：",
    "form.what.other": "请说说您想和工会干部沟通什么：",
    "form.where": "这件事发生在哪个单位或地点？可以点选，也可以直接输入名称。",
    "form.where_same": "同上次：{workplace}",
    "form.where_skip": "不方便透露",
    "form.photos": "如有照片可以现在发送（可选，已收到 {count} 张）。发送完毕请点“完成”。",
    "form.photos_hint": "请发送照片，发送完毕点“完成”（已收到 {count} 张）。",
    "form.photos_done": "完成",
    "form.photo_received": "已收到照片，共 {count} 张。可以继续发送，或点“完成”。",
    "form.anonymous": (
        "是否匿名提交？匿名时，工会干部看不到您的姓名和账号，所有沟通都由机器人转达。"
    ),
    "form.anonymous_yes": "匿名提交",
    "form.anonymous_no": "实名提交",
    "form.skip": "跳过",
    "form.cancel": "取消",
    "form.submit": "✅ 确认提交",
    "form.edit": "✏️ 修改",
    "form.edit_which": "要修改哪一项？",
    "form.edit_what": "情况描述",
    "form.edit_where": "单位/地点",
    "form.edit_photos": "照片",
    "form.edit_anonymous": "是否匿名",
    "form.resume": "继续填写",
    "form.resume_confirm": "不修改，返回确认",
    "form.discard": "放弃并回到菜单",
    "form.unfinished": "您还有一份没填完的表单。要继续填写，还是放弃？",
    "form.gone": "这份表单已经结束了。请从菜单重新开始。",
    "form.not_given": "未填写",
    "form.summary": "<b>请确认您的{kind}</b>\n类别：{category}\n内容：{summary}",
    "form.summary_anonymous": "提交方式：匿名",
    "form.summary_named": "提交方式：实名",
    "form.confirm_question": "\n信息无误请点“确认提交”。",
    "form.submitted": (
        "✅ 已提交，编号 <b>{reference}</b>。\n"
        "工会干部最迟将在 {due} 前回复您。有新进展时我会通知您，"
        "也可以在“我的诉求”中随时查看。"
    ),
    "form.submitted_anonymous": "本诉求为匿名提交，工会干部看不到您的身份。",
    "form.error.use_buttons": "请点击下面的按钮选择。",
    "form.error.send_photo": "这一步请发送照片，或点下面的按钮继续。",
    "form.error.no_photo_here": "这一步不需要照片，请用文字回答。",
    "form.error.photo_required": "这一项需要至少一张照片。",
    "form.error.too_many_photos": "最多可以上传 {limit} 张照片，多出的没有保存。",
    "form.error.old_button": "这个按钮属于之前的步骤。当前的问题是：",
    "form.error.empty": "内容不能为空，请输入文字。",
    "form.error.too_long": "内容太长了（{length} 字），请控制在 {limit} 字以内。",
    "form.error.date_format": "没看懂这个日期。请按 2026-03-01 或 2026年3月1日 的格式输入。",
    "form.error.no_such_date": "没有这一天，请核对日期。",
    "form.error.date_in_future": "日期不能晚于今天（{today}）。",
    "form.error.date_below": "这个日期不能早于{other}（{other_value}）。",
    "form.error.date_above": "这个日期不能晚于{other}（{other_value}）。",
    "form.error.amount_format": "请输入金额数字（单位：元），例如 1234.50。",
    "form.error.amount_not_positive": "金额必须大于 0。",
    "form.error.amount_decimals": "金额最多保留两位小数（精确到分）。",
    "form.error.amount_too_large": "金额过大，请核对后重新输入。",
    "form.error.amount_below": "这个金额不能小于{other}（{other_value} 元）。",
    "form.error.amount_above": "这个金额不能大于{other}（{other_value} 元）。",
    "value.amount": "{amount} 元",
    "value.photos": "📷 照片 {count} 张",
    # Kinds, statuses, categories
    "kind.grievance": "诉求",
    "kind.help": "帮扶申请",
    "status.new": "待受理",
    "status.assigned": "已分派",
    "status.in_progress": "处理中",
    "status.waiting_worker": "等待您补充",
    "status.resolved": "已办结待确认",
    "status.reopened": "已重新打开",
    "status.closed": "已关闭",
    "category.workplace-safety": "安全隐患",
    "category.wages": "工资待遇",
    "category.facilities": "设施与环境",
    "category.working-hours": "工作时间",
    "category.other-grievance": "其他问题",
    "category.mutual-aid-claim": "医疗互助报销",
    "category.hardship-aid": "困难帮扶",
    "category.legal-aid": "法律援助",
    "category.counselling": "心理咨询",
    "category.job-services": "就业服务",
    "category.small-loan": "小额贷款",
    "category.other-help": "其他求助",
    # Category fields
    "field.workplace-safety.location.label": "具体位置",
    "field.workplace-safety.location.prompt": "隐患的具体位置（如：3号门旁的路灯）：",
    "field.wages.employer.label": "用人单位",
    "field.wages.employer.prompt": "用人单位（公司）名称：",
    "field.wages.amount_owed.label": "拖欠金额",
    "field.wages.amount_owed.prompt": "拖欠的金额是多少元？（不清楚可跳过）",
    "field.wages.period.label": "拖欠时间",
    "field.wages.period.prompt": "拖欠了哪段时间的工资？（如：2026年1月至3月）",
    "field.facilities.location.label": "具体位置",
    "field.facilities.location.prompt": "设施的具体位置：",
    "field.working-hours.employer.label": "用人单位",
    "field.working-hours.employer.prompt": "用人单位（公司）名称：",
    "field.mutual-aid-claim.hospital.label": "就诊医院",
    "field.mutual-aid-claim.hospital.prompt": "住院的医院名称：",
    "field.mutual-aid-claim.admission_date.label": "入院日期",
    "field.mutual-aid-claim.admission_date.prompt": "入院日期（如 2026-03-01 或 2026年3月1日）：",
    "field.mutual-aid-claim.discharge_date.label": "出院日期",
    "field.mutual-aid-claim.discharge_date.prompt": "出院日期：",
    "field.mutual-aid-claim.total_amount.label": "医疗费用总额",
    "field.mutual-aid-claim.total_amount.prompt": "医疗费用总额（元）：",
    "field.mutual-aid-claim.self_paid_amount.label": "个人自付金额",
    "field.mutual-aid-claim.self_paid_amount.prompt": "其中个人自付的金额（元）：",
    "field.mutual-aid-claim.receipts.label": "票据照片",
    "field.mutual-aid-claim.receipts.prompt": "请拍照上传医疗费用票据和出院小结。",
    "field.hardship-aid.hardship_kind.label": "困难类型",
    "field.hardship-aid.hardship_kind.prompt": "主要是哪种困难？",
    "field.hardship-aid.hardship_kind.choice.illness": "重病",
    "field.hardship-aid.hardship_kind.choice.accident": "意外事故",
    "field.hardship-aid.hardship_kind.choice.disaster": "自然灾害",
    "field.hardship-aid.hardship_kind.choice.family": "家庭变故",
    "field.hardship-aid.hardship_kind.choice.other": "其他",
    "field.hardship-aid.household_size.label": "家庭人口",
    "field.hardship-aid.household_size.prompt": "家庭共有几口人？（可跳过）",
    "field.legal-aid.employer.label": "用人单位",
    "field.legal-aid.employer.prompt": "与哪家单位发生纠纷？",
    "field.legal-aid.dispute_kind.label": "纠纷类型",
    "field.legal-aid.dispute_kind.prompt": "属于哪类纠纷？",
    "field.legal-aid.dispute_kind.choice.wages": "工资报酬",
    "field.legal-aid.dispute_kind.choice.contract": "劳动合同",
    "field.legal-aid.dispute_kind.choice.dismissal": "解除/辞退",
    "field.legal-aid.dispute_kind.choice.work-injury": "工伤",
    "field.legal-aid.dispute_kind.choice.social-insurance": "社会保险",
    "field.legal-aid.dispute_kind.choice.other": "其他",
    "field.job-services.trade.label": "意向工种",
    "field.job-services.trade.prompt": "您想找什么工种的工作？（可跳过）",
    "field.small-loan.amount.label": "申请金额",
    "field.small-loan.amount.prompt": "想申请多少元？",
    "field.small-loan.purpose.label": "用途",
    "field.small-loan.purpose.prompt": "贷款的用途：",
    # Tickets: the worker's side
    "ticket.field_line": "{label}：{value}",
    "ticket.workplace": "单位/地点：{workplace}",
    "tickets.none": "您还没有提交过诉求。",
    "tickets.list": "<b>我的诉求</b>（点击编号查看详情）",
    "tickets.line": "{reference}　{category}　<i>{status}</i>",
    "tickets.detail": (
        "<b>{reference}</b>　{category}\n状态：{status}\n提交时间：{created}\n内容：{summary}"
    ),
    "tickets.anonymous": "（匿名提交）",
    "tickets.thread": "<b>沟通记录</b>",
    "tickets.thread_line": "[{when}] {who}：{body}",
    "tickets.from_me": "我",
    "tickets.from_officer": "工会干部",
    "tickets.rated": "您的评价：{score} 星",
    "tickets.btn.view": "查看诉求",
    "tickets.btn.add": "补充说明",
    "tickets.btn.answer": "回复",
    "tickets.btn.confirm": "✅ 已解决，确认",
    "tickets.btn.reopen": "↩️ 没解决，重新打开",
    "tickets.add_prompt": "请输入要补充到 {reference} 的内容（也可以发照片）：",
    "tickets.added": "已添加到诉求 {reference}，并转给工会干部。",
    "tickets.confirmed": "诉求 {reference} 已确认解决并关闭。请为这次服务打分：",
    "tickets.reopen_prompt": "请说明 {reference} 还有什么没有解决：",
    "tickets.reopened": "诉求 {reference} 已重新打开，工会干部会继续跟进。",
    "tickets.thanks_rating": "感谢您的评价（{score} 星）！",
    # Messages to the worker about their ticket
    "worker.claimed": "您的诉求 {reference} 已有工会干部受理，正在处理中。",
    "worker.reply": "💬 关于 {reference}，工会干部回复：\n{text}",
    "worker.question": (
        "❔ 关于 {reference}，工会干部想了解：\n{text}\n请直接输入您的回答（也可以发照片）。"
    ),
    "worker.resolved": (
        "✅ 您的诉求 {reference} 已办结：\n{text}\n问题解决了吗？请确认或重新打开，并为服务打分。"
    ),
    "worker.auto_closed": "诉求 {reference} 办结后未收到反馈，已自动关闭。感谢您的信任。",
    "worker.escalated": "您的诉求 {reference} 已转交上级工会加快处理。",
    # Officers
    "officer.invite_invalid": "邀请码无效或已过期，请向管理员索取新的邀请码。",
    "officer.linked": "已绑定干部账号：{name}。新的诉求会发送到这里。",
    "officer.not_officer": "这个功能只对工会干部开放。",
    "officer.new_ticket": "🆕 <b>新诉求 {reference}</b>",
    "officer.card_title": "📄 <b>{reference}</b>",
    "officer.reassigned_ticket": "🔀 <b>转来的诉求 {reference}</b>",
    "officer.escalated_ticket": "⏫ <b>超时升级 {reference}</b>",
    "officer.card": (
        "类型：{kind}　类别：{category}\n状态：{status}\n提交人：{worker}\n"
        "首次回复期限：{first_due}\n办结期限：{resolution_due}\n内容：{summary}"
    ),
    "officer.card_urgent": "❗<b>紧急</b>",
    "officer.card_escalated": "已升级 {level} 级",
    "officer.worker_anonymous": "匿名",
    "officer.worker_named": "{name}",
    "officer.btn.claim": "受理",
    "officer.btn.reply": "回复",
    "officer.btn.ask": "询问职工",
    "officer.btn.note": "内部备注",
    "officer.btn.resolve": "办结",
    "officer.btn.reassign": "转派",
    "officer.btn.view": "查看",
    "officer.claimed": "您已受理 {reference}。",
    "officer.prompt_reply": "请输入给职工的回复（{reference}）：",
    "officer.prompt_ask": "请输入要问职工的问题（{reference}）：",
    "officer.prompt_note": "请输入内部备注（{reference}，职工看不到）：",
    "officer.prompt_resolve": "请输入办理结果（{reference}），将发送给职工：",
    "officer.prompt_reassign_reason": "请输入转派 {reference} 的原因：",
    "officer.reassign_which": "把 {reference} 转派到哪个队列？",
    "officer.done_reply": "回复已转达给职工（{reference}）。",
    "officer.done_ask": "问题已转达给职工，等待回复（{reference}）。",
    "officer.done_note": "备注已保存，仅干部可见（{reference}）。",
    "officer.done_resolve": "{reference} 已办结，等待职工确认。",
    "officer.done_rq": "{reference} 已转派。",
    "officer.worker_wrote": "💬 {reference}　{worker} 补充：\n{text}",
    "officer.worker_confirmed": "✅ 职工已确认 {reference} 解决。",
    "officer.worker_reopened": "↩️ 职工重新打开了 {reference}：{reason}",
    "officer.worker_rated": "⭐ 职工为 {reference} 打分：{score} 星。",
    "officer.worker_unreachable": "⚠️ {reference} 的职工已无法接收消息（可能屏蔽了机器人）。",
    "officer.queue_title": "<b>待办队列</b>",
    "officer.queue_empty": "队列中没有待办的诉求。",
    "officer.mine_title": "<b>我负责的诉求</b>",
    "officer.mine_empty": "目前没有分派给您的诉求。",
    "officer.queue_line": "{urgent}{reference}　{category}　{status}　期限 {due}",
    "officer.ticket_usage": "用法：/ticket 编号，例如 /ticket GR-2026-000001",
    "officer.history": "<b>记录</b>",
    "officer.history_note": "内部备注",
    "officer.history_worker": "职工",
    "officer.history_officer": "干部",
    "officer.event_line": "[{when}] {event} {status} {reason}",
    # 干部群：每件诉求一个话题
    "error.not_allowed.admins_only": "只有机器人管理员可以进行这个操作。",
    "error.invalid.unknown_queue": "没有这个代码的队列。",
    "group.linked": "✅ 本群已接管队列“{queue}”（{code}）：该队列的每件诉求都会在本群开一个"
    "话题。队列的干部在诉求的话题里发言即可回复职工；职工看不到是谁回复的，匿名职工的身份"
    "也不会透露。",
    "group.unlinked": "本群不再接收以下队列的诉求：{queues}。",
    "group.unlinked_none": "本群没有关联任何队列。",
    "group.link_usage": "请在本群发送 <code>/linkgroup 队列代码</code> 关联队列。"
    "可用队列：{queues}",
    "group.link_in_group": "请在干部群里发送 /linkgroup 队列代码：该群须为开启话题功能的超级群，"
    "且本机器人是可以管理话题的管理员。",
    "group.not_officer": "只有该诉求所在队列的干部可以在这里回复职工，您的消息没有转达。",
    "group.text_only": "只有文字会转达给职工，请用文字回复。",
    "topic.title": "{reference} · {category}",
    "topic.auto_closed": "🔒 {reference} 办结后职工未回复，已自动关闭。",
    "topic.claimed": "🙋 {officer} 受理了 {reference}。",
    "topic.done_reply": "💬 {officer} 回复了职工（{reference}）：\n{text}",
    "topic.done_ask": "❓ {officer} 向职工提问（{reference}）：\n{text}",
    "topic.done_note": "📝 {officer} 的内部备注（{reference}，仅干部可见）：\n{text}",
    "topic.done_resolve": "✅ {officer} 办结了 {reference}：\n{text}",
    "topic.done_rq": "🔀 {officer} 将 {reference} 转给了其他队列：\n{text}",
    "officer.files": "📎 {reference} 的照片和文件",
    "officer.files_withheld": "📎 {reference} 有 {count} 个文件未显示：文件名可能透露职工身份。"
    "如有需要，请让职工改发照片。",
}
