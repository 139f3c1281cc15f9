"""Bad and odd input: nothing is lost, every refusal says what to do instead."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from db.models import ConversationState, OutboxMessage, Person, Ticket, UnansweredQuestion
from handlers.core.buttons import OfficerButton, WorkerButton
from handlers.messages import Attachment
from tests.flows.conftest import Chat, to


async def start_mutual_aid(chat: Chat) -> None:
    await chat.send("w", "/start")
    await chat.press("w", "申请帮扶")
    await chat.press("w", "医疗互助")
    await chat.send("w", "住院做了阑尾手术，想申请互助金")
    await chat.send("w", "市第一人民医院")


async def test_mutual_aid_form_checks_dates_and_amounts(chat: Chat) -> None:
    await start_mutual_aid(chat)
    cases = [
        ("上个月初", "没看懂这个日期"),
        ("2026-02-30", "没有这一天"),
        ("2026-12-01", "日期不能晚于今天"),
    ]
    for typed, complaint in cases:
        reply = to(await chat.send("w", typed), "w")
        assert complaint in reply
        assert "入院日期" in reply  # the same question is asked again
    assert "出院日期" in to(await chat.send("w", "2026年3月1日"), "w")
    reply = to(await chat.send("w", "2026/2/20"), "w")
    assert "不能早于入院日期（2026-03-01）" in reply
    assert "医疗费用总额" in to(await chat.send("w", "3月5日"), "w")
    for typed, complaint in [
        ("很多钱", "请输入金额（单位：元）"),
        ("-5", "请输入金额（单位：元）"),
        ("0", "金额必须大于 0"),
        ("12.345", "最多保留两位小数"),
    ]:
        assert complaint in to(await chat.send("w", typed), "w")
    assert "个人自付" in to(await chat.send("w", "￥12,000.50"), "w")
    assert "不能大于医疗费用总额（12000.50 元）" in to(await chat.send("w", "13000"), "w")
    assert "票据" in to(await chat.send("w", "3000元"), "w")
    # Receipts are required: "done" without a photo is refused.
    assert "至少一张照片" in to(await chat.press("w", "完成"), "w")
    photo = Attachment(kind="photo", file_id="receipt-1")
    assert "共 1 张" in to(await chat.send("w", attachments=[photo]), "w")
    await chat.press("w", "完成")
    summary = to(await chat.send("w", "顺达物流仓库"), "w")
    assert "入院日期：2026-03-01" in summary
    assert "个人自付金额：3000.00 元" in summary
    done = await chat.press("w", "确认提交")
    assert "HP-2026-000001" in to(done, "w")
    async with chat.sessionmaker() as session:
        ticket = await session.scalar(select(Ticket))
    assert ticket is not None
    assert ticket.fields["self_paid_amount"] == "3000.00"
    assert ticket.fields["discharge_date"] == "2026-03-05"


async def test_amounts_and_dates_typed_the_chinese_way_are_kept(chat: Chat) -> None:
    await start_mutual_aid(chat)
    assert "出院日期" in to(await chat.send("w", "3月1号"), "w")
    assert "医疗费用总额" in to(await chat.send("w", "3.5"), "w")
    assert "个人自付" in to(await chat.send("w", "一万二"), "w")
    # A mistake is refused with the number it was compared with, then corrected.
    assert "不能大于医疗费用总额（12000.00 元）" in to(await chat.send("w", "1.3万"), "w")
    assert "票据" in to(await chat.send("w", "五千块"), "w")
    await chat.send("w", attachments=[Attachment(kind="photo", file_id="receipt-1")])
    await chat.press("w", "完成")
    summary = to(await chat.send("w", "顺达物流仓库"), "w")
    assert "入院日期：2026-03-01" in summary
    assert "出院日期：2026-03-05" in summary
    assert "医疗费用总额：12000.00 元" in summary
    assert "个人自付金额：5000.00 元" in summary


async def test_english_summary_labels_read_as_sentences(chat: Chat) -> None:
    chat.languages["e"] = "en"
    await chat.send("e", "/start")
    await chat.press("e", "Report a problem")
    await chat.press("e", "Wages")
    await chat.send("e", "boss hasn't paid me for 2 months")
    await chat.send("e", "Speedy Couriers")
    await chat.send("e", "5k")
    await chat.press("e", "Skip")
    await chat.press("e", "rather not say")
    await chat.press("e", "Done")
    summary = to(await chat.press("e", "Anonymously"), "e")
    assert "Employer: Speedy Couriers" in summary
    assert "Amount owed: 5000.00 yuan" in summary


async def test_edit_from_summary_changes_only_that_answer(chat: Chat) -> None:
    await chat.send("w", "/start")
    await chat.press("w", "反映问题")
    await chat.press("w", "其他问题")
    await chat.send("w", "第一次的描述")
    await chat.press("w", "不方便透露")
    await chat.press("w", "完成")
    await chat.press("w", "实名提交")
    await chat.press("w", "修改")
    await chat.press("w", "情况描述")
    summary = to(await chat.send("w", "改过的描述"), "w")
    assert "改过的描述" in summary
    assert "确认提交" in str(chat.last["w"].buttons)


async def test_long_control_and_odd_unicode_text(chat: Chat) -> None:
    long_question = "工资" * 5000
    assert to(await chat.send("w", long_question), "w")  # answered somehow, no crash
    await chat.send("w", "/start")
    await chat.press("w", "反映问题")
    await chat.press("w", "其他问题")
    reply = to(await chat.send("w", "x" * 10_000), "w")
    assert "内容太长了（10000 字）" in reply
    odd = "灯\x00坏\x1b[31m了\u202e\u200f 👷🏽‍♀️ Ｚａｌｇｏ z̸̢͉a"
    await chat.send("w", odd)
    await chat.press("w", "不方便透露")
    await chat.press("w", "完成")
    await chat.press("w", "匿名提交")
    summary = chat.last["w"].text
    assert "\x00" not in summary
    assert "\x1b" not in summary
    assert "\u202e" not in summary
    assert "灯坏[31m了" in summary
    assert "👷🏽‍♀️" in summary
    # Only spaces: asked again, not stored.
    await chat.press("w", "修改")
    await chat.press("w", "情况描述")
    assert "内容不能为空" in to(await chat.send("w", " \t \x07 "), "w")
    # Nothing but zero-width characters shows as nothing: asked again as well.
    assert "内容不能为空" in to(await chat.send("w", "\u200b\u200d\ufeff\u2060"), "w")


async def test_a_name_with_direction_overrides_reaches_the_card_cleaned(chat: Chat) -> None:
    # Shown raw, U+202E would turn the rest around: "Zhang Wei" disguised as something else.
    chat.names["w"] = "\u202eiew\u202c Zhang\u2066\u200f Wei\u2069\u200e\n\u061c"
    await chat.send("w", "/start")
    await chat.press("w", "反映问题")
    await chat.press("w", "其他问题")
    await chat.send("w", "停车场没有照明")
    await chat.press("w", "不方便透露")
    await chat.press("w", "完成")
    await chat.press("w", "实名提交")
    card = to(await chat.press("w", "确认提交"), "officer")
    assert "iew Zhang Wei" in card
    for hidden in ("\u202e", "\u202c", "\u2066", "\u2069", "\u200e", "\u200f", "\u061c"):
        assert hidden not in card
    async with chat.sessionmaker() as session:
        worker = (
            await session.scalars(select(Person).where(Person.platform_user_id == "w"))
        ).one()
    assert worker.display_name == "iew Zhang Wei"


async def test_unknown_forged_and_foreign_buttons(chat: Chat) -> None:
    reply = to(await chat.send("w", action="zz:1"), "w")
    assert "按钮已失效" in reply
    reply = to(await chat.send("w", action=WorkerButton("t", 999999).pack()), "w")
    assert "找不到这个诉求" in reply
    reply = to(await chat.send("w", action="w:t:-1;DROP"), "w")
    assert "按钮已失效" in reply
    # Worker A files; worker B presses A's buttons.
    await chat.send("a", "/start")
    await chat.press("a", "反映问题")
    await chat.press("a", "其他问题")
    await chat.send("a", "A 的诉求")
    await chat.press("a", "不方便透露")
    await chat.press("a", "完成")
    await chat.press("a", "实名提交")
    await chat.press("a", "确认提交")
    async with chat.sessionmaker() as session:
        ticket = await session.scalar(select(Ticket))
    assert ticket is not None
    for token in (
        WorkerButton("t", ticket.id).pack(),
        WorkerButton("rate", ticket.id, 1).pack(),
        WorkerButton("add", ticket.id).pack(),
    ):
        reply = to(await chat.send("b", action=token), "b")
        assert "找不到这个诉求" in reply
        assert "A 的诉求" not in reply
    # Typing the reference: the owner sees their ticket, anybody else "not found".
    assert "A 的诉求" in to(await chat.send("a", f"/ticket {ticket.reference}"), "a")
    reply = to(await chat.send("b", f"/ticket {ticket.reference}"), "b")
    assert "找不到这个诉求" in reply
    assert "A 的诉求" not in reply
    # A worker pressing an officer's button is not an officer.
    assert "只对工会干部开放" in to(
        await chat.send("b", action=OfficerButton("claim", ticket.id).pack()), "b"
    )
    async with chat.sessionmaker() as session:
        fresh = await session.get(Ticket, ticket.id)
    assert fresh is not None
    assert fresh.satisfaction is None


async def test_same_update_twice_is_processed_once(chat: Chat) -> None:
    first = await chat.send("w", "/start", update_id="dup-1")
    again = await chat.send("w", "/start", update_id="dup-1")
    assert first
    assert again == []
    async with chat.sessionmaker() as session:
        count = await session.scalar(select(func.count()).select_from(OutboxMessage))
    assert count == len(first)


async def test_second_start_mid_form_keeps_answers(chat: Chat) -> None:
    await chat.send("w", "/start")
    await chat.press("w", "反映问题")
    await chat.press("w", "工资")
    await chat.send("w", "三个月没发工资")
    reply = to(await chat.send("w", "/start"), "w")
    assert "没填完的表单" in reply
    resumed = to(await chat.press("w", "继续填写"), "w")
    assert "用人单位" in resumed  # the next question, the description is kept
    async with chat.sessionmaker() as session:
        state = await session.scalar(select(ConversationState))
    assert state is not None
    assert state.data["summary"] == "三个月没发工资"


async def test_restart_mid_form_resumes(chat: Chat) -> None:
    await chat.send("w", "/start")
    await chat.press("w", "反映问题")
    await chat.press("w", "工资")
    restarted = Chat(chat.sessionmaker, chat.routing)
    restarted._seen = chat._seen
    reply = to(await restarted.send("w", "三个月没发工资", update_id="after-restart"), "w")
    assert "用人单位" in reply


async def test_cancel_and_help_in_any_state(chat: Chat) -> None:
    await chat.send("w", "/start")
    await chat.press("w", "反映问题")
    await chat.press("w", "工资")
    assert "正在填写表单" in to(await chat.send("w", "/help"), "w")
    assert "已取消" in to(await chat.send("w", "/cancel"), "w")
    assert "没有需要取消" in to(await chat.send("w", "/cancel"), "w")
    assert "没有这个命令" in to(await chat.send("w", "/nonsense"), "w")


async def test_questions_answer_suggest_and_miss(chat: Chat) -> None:
    answer = to(await chat.send("w", "医疗互助的报销起付标准是多少"), "w")
    assert "这个回答对您有帮助吗" in answer
    assert "很高兴" in to(await chat.press("w", "有帮助"), "w")
    miss = to(await chat.send("w", "火星上的停车位怎么申请"), "w")
    assert "知识库里暂时没有" in miss
    async with chat.sessionmaker() as session:
        kept = (await session.scalars(select(UnansweredQuestion))).all()
    assert [q.text for q in kept] == ["火星上的停车位怎么申请"]
    # From a miss, straight into a request to an officer with the question kept.
    assert "哪个单位" in to(await chat.press("w", "提交给工会干部"), "w")
    summary = to(await chat.press("w", "不方便透露"), "w")
    assert "内容：火星上的停车位怎么申请" in summary
    assert "其他求助" in summary


async def test_emoji_or_invisible_characters_alone_are_no_question(chat: Chat) -> None:
    for nothing in ("\u200b\u2060\ufeff", "\u202e\u200d"):
        assert "请用文字输入您的问题" in to(await chat.send("w", nothing), "w")
    for no_words in ("👍", "😀👷🏽\u200d♀️", "？？！…", "🙏\u200b"):
        reply = to(await chat.send("w", no_words), "w")
        assert "请用文字写下来" in reply
        assert "知识库" not in reply
    miss = to(await chat.send("w", "火星上的停车位怎么申请？🙏"), "w")
    assert "知识库里暂时没有" in miss
    async with chat.sessionmaker() as session:
        kept = (await session.scalars(select(UnansweredQuestion))).all()
    assert [q.text for q in kept] == ["火星上的停车位怎么申请？🙏"]


async def test_english_question_and_language_switch(chat: Chat) -> None:
    chat.languages["e"] = "en-GB"
    welcome = to(await chat.send("e", "/start"), "e")
    assert "Hello!" in welcome
    await chat.press("e", "Language")
    switched = to(await chat.press("e", "中文"), "e")
    assert "已切换为中文" in switched
    # The choice sticks even though the messenger still says English.
    assert "请选择您要办理的事项" in to(await chat.send("e", "/menu"), "e")


async def test_crisis_message_and_urgent_ticket(chat: Chat) -> None:
    reply = to(await chat.send("w", "我真的不想活了"), "w")
    assert "12356" in reply
    assert "110" in reply
    done = await chat.press("w", "紧急联系我")
    assert "HP-2026-000001" in to(done, "w")
    assert "紧急" in to(done, "officer")
    async with chat.sessionmaker() as session:
        ticket = await session.scalar(select(Ticket))
    assert ticket is not None
    assert ticket.urgent
    assert ticket.category == "counselling"


async def test_crisis_words_inside_a_form_keep_the_form(chat: Chat) -> None:
    await chat.send("w", "/start")
    await chat.press("w", "反映问题")
    await chat.press("w", "工资")
    reply = to(await chat.send("w", "工头说要杀了我，还拿刀威胁"), "w")
    assert "报警" in reply
    assert "用人单位" in reply  # the form goes on


async def test_early_morning_in_shanghai_is_already_the_local_day(chat: Chat) -> None:
    # 07:30 on 1 January in Shanghai is still 31 December in UTC: "today" and the year in
    # the reference are the union's, so a discharge "today" is no date in the future.
    chat.now = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    await start_mutual_aid(chat)
    assert "出院日期" in to(await chat.send("w", "2026年12月30日"), "w")
    assert "医疗费用总额" in to(await chat.send("w", "今天"), "w")
    await chat.send("w", "8000")
    await chat.send("w", "2000")
    await chat.send("w", attachments=[Attachment(kind="photo", file_id="receipt-1")])
    await chat.press("w", "完成")
    await chat.send("w", "顺达物流仓库")
    done = to(await chat.press("w", "确认提交"), "w")
    assert "HP-2027-000001" in done
    async with chat.sessionmaker() as session:
        ticket = await session.scalar(select(Ticket))
    assert ticket is not None
    assert ticket.fields["discharge_date"] == "2027-01-01"
