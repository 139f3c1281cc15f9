"""The Bot API methods about chats, messages and files, checked as strictly as Telegram.

Each method takes the call's ``Params`` and returns its ``result`` or raises ``ApiError``
with Telegram's status and description. Updates and webhooks are the server's business.
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

from tests.fake_telegram.faults import ApiError, bad_request
from tests.fake_telegram.html import HtmlParseError, parse_html, utf16_len
from tests.fake_telegram.params import Params, Upload
from tests.fake_telegram.world import JSON, ChatState, StoredFile, World, image_size

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
CALLBACK_ANSWER_LIMIT = 200
PHOTO_UPLOAD_LIMIT = 10 * 1024 * 1024
DOCUMENT_UPLOAD_LIMIT = 50 * 1024 * 1024
DOWNLOAD_LIMIT = 20 * 1024 * 1024  # getFile refuses bigger files
_TOPIC_COLORS = {7322096, 16766590, 13338331, 9367192, 16749490, 16478047}
_COMMAND_NAME_RE = re.compile(r"[a-z0-9_]{1,32}")
_BUTTON_ACTIONS = {
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
}
_CHAT_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


def _trim(text: str, entities: list[JSON]) -> tuple[str, list[JSON]]:
    """Telegram strips surrounding whitespace and moves the entities with the text."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    size = utf16_len(stripped)
    moved = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, size)
        if end > start:
            moved.append({**entity, "offset": start, "length": end - start})
    return stripped, moved


class BotApi:
    def __init__(self, world: World) -> None:
        self.world = world
        self.commands: dict[tuple[str, str], list[JSON]] = {}

    def methods(self) -> dict[str, Callable[[Params], Awaitable[Any]]]:
        return {
            "getMe": self.get_me,
            "sendMessage": self.send_message,
            "editMessageText": self.edit_message_text,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "answerCallbackQuery": self.answer_callback_query,
            "sendPhoto": self.send_photo,
            "sendDocument": self.send_document,
            "copyMessage": self.copy_message,
            "getFile": self.get_file,
            "createForumTopic": self.create_forum_topic,
            "deleteMessage": self.delete_message,
            "sendChatAction": self.send_chat_action,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
        }

    # --- shared checks -------------------------------------------------------------------

    def _chat(self, p: Params, name: str = "chat_id", *, sending: bool = True) -> ChatState:
        raw = p.raw.get(name)
        if raw is None or raw == "":
            raise bad_request(f"{name} is empty")
        state: ChatState | None = None
        if isinstance(raw, str) and raw.startswith("@"):
            state = next(
                (s for s in self.world.chats.values() if s.chat.username == raw[1:]), None
            )
        else:
            chat_id = p.int_(name)
            state = self.world.chats.get(chat_id) if chat_id is not None else None
        if state is None:
            raise bad_request("chat not found")
        if sending and state.blocked:
            if state.chat.type == "private":
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            raise ApiError(403, "Forbidden: bot was kicked from the supergroup chat")
        if sending and not state.started:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        return state

    def _thread(self, p: Params, state: ChatState) -> int | None:
        thread_id = p.int_("message_thread_id")
        if thread_id is None:
            return None
        if thread_id not in state.topics:
            raise bad_request("message thread not found")
        return thread_id

    def _text(
        self, p: Params, field: str, entities_field: str, parse_mode: str | None
    ) -> tuple[str, list[JSON]]:
        text = p.str_(field) or ""
        entities: list[JSON] = []
        if parse_mode:
            if parse_mode.lower() != "html":
                raise bad_request(
                    f"unsupported parse_mode {parse_mode!r}: this fake server knows only HTML"
                )
            try:
                text, entities = parse_html(text)
            except HtmlParseError as exc:
                raise bad_request(str(exc)) from exc
        else:
            given = p.json_(entities_field, f"can't parse {entities_field} JSON object")
            if given is not None:
                if not isinstance(given, list) or not all(
                    isinstance(e, dict) and {"type", "offset", "length"} <= e.keys() for e in given
                ):
                    raise bad_request(f"can't parse {entities_field} JSON object")
                entities = given
        return _trim(text, entities)

    def _body_text(self, p: Params) -> tuple[str, list[JSON]]:
        text, entities = self._text(p, "text", "entities", p.str_("parse_mode"))
        if not text:
            raise bad_request("message text is empty")
        if utf16_len(text) > TEXT_LIMIT:
            raise bad_request("message is too long")
        return text, entities

    def _caption(self, p: Params) -> JSON:
        text, entities = self._text(p, "caption", "caption_entities", p.str_("parse_mode"))
        if utf16_len(text) > CAPTION_LIMIT:
            raise bad_request("message caption is too long")
        content: JSON = {}
        if text:
            content["caption"] = text
            if entities:
                content["caption_entities"] = entities
        return content

    def _markup(self, p: Params) -> JSON | None:
        """The inline keyboard to show under the message, validated; other keyboards are
        accepted but, as in Telegram's answers, not part of the returned message."""
        markup = p.json_("reply_markup", "can't parse reply keyboard markup JSON object")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("object expected as reply markup")
        if "inline_keyboard" not in markup:
            if not {"keyboard", "remove_keyboard", "force_reply"} & markup.keys():
                raise bad_request("can't parse reply keyboard markup JSON object")
            return None
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request(
                'can\'t parse inline keyboard: field "inline_keyboard" must be an Array of Arrays'
            )
        for row in rows:
            for button in row:
                self._check_button(button)
        if not any(rows):
            return None
        return {"inline_keyboard": [row for row in rows if row]}

    @staticmethod
    def _check_button(button: Any) -> None:
        if not isinstance(button, dict) or not isinstance(button.get("text"), str):
            raise bad_request(
                'can\'t parse inline keyboard button: Field "text" must be of type String'
            )
        if not button["text"].strip():
            raise bad_request("BUTTON_TEXT_INVALID")
        actions = _BUTTON_ACTIONS & button.keys()
        if not actions:
            raise bad_request(
                "can't parse inline keyboard button: "
                "Text buttons are unallowed in the inline keyboard"
            )
        if "callback_data" in button:
            data = button["callback_data"]
            if not isinstance(data, str) or not 1 <= len(data.encode()) <= CALLBACK_DATA_LIMIT:
                raise bad_request("BUTTON_DATA_INVALID")
        if "url" in button:
            url = button["url"]
            if not isinstance(url, str) or not url.startswith(("http://", "https://", "tg://")):
                raise bad_request("BUTTON_URL_INVALID")

    def _reply_to(self, p: Params, state: ChatState) -> JSON | None:
        parameters = p.json_("reply_parameters", "can't parse reply parameters JSON object")
        allow_missing = p.bool_("allow_sending_without_reply")
        if isinstance(parameters, dict):
            message_id = parameters.get("message_id")
            allow_missing = bool(parameters.get("allow_sending_without_reply", allow_missing))
        else:
            message_id = p.int_("reply_to_message_id")
        if message_id is None:
            return None
        replied = state.messages.get(int(message_id))
        if replied is None:
            if allow_missing:
                return None
            raise bad_request("message to be replied not found")
        return {k: v for k, v in replied.items() if k != "reply_to_message"}

    def _send(self, p: Params, state: ChatState, content: JSON) -> JSON:
        thread_id = self._thread(p, state)
        replied = self._reply_to(p, state)
        markup = self._markup(p)
        if replied is not None:
            content["reply_to_message"] = replied
        if markup is not None:
            content["reply_markup"] = markup
        return self.world.new_message(state, self.world.bot_user, thread_id, content)

    def _file(self, p: Params, name: str, kind: str) -> StoredFile:
        value = p.file(name)
        if value is None:
            raise bad_request(f"there is no {name} in the request")
        if isinstance(value, Upload):
            if not value.content:
                raise bad_request("file must be non-empty")
            limit = PHOTO_UPLOAD_LIMIT if kind == "photo" else DOCUMENT_UPLOAD_LIMIT
            if len(value.content) > limit:
                raise ApiError(413, "Request Entity Too Large")
            if kind == "photo":
                if image_size(value.content) is None:
                    raise bad_request("IMAGE_PROCESS_FAILED")
                return self.world.store_file("photo", value.content)
            return self.world.store_file(
                "document",
                value.content,
                file_name=value.filename,
                mime_type=value.content_type or "application/octet-stream",
            )
        if value.startswith(("http://", "https://")):
            raise bad_request(
                "failed to get HTTP URL content (this fake server does not fetch URLs)"
            )
        stored = self.world.files.get(value)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            raise bad_request(
                f"can't use file of type {stored.kind.capitalize()} as {kind.capitalize()}"
            )
        return stored

    def _own_message(self, p: Params, what: str) -> tuple[ChatState, JSON]:
        if p.has("inline_message_id"):
            raise bad_request("inline messages are not supported by this fake server")
        state = self._chat(p)
        message_id = p.required_int("message_id", "message identifier is not specified")
        message = state.messages.get(message_id)
        if message is None:
            raise bad_request(f"message to {what} not found")
        if message["from"]["id"] != self.world.bot_user["id"]:
            raise bad_request(f"message can't be {what}ed")
        return state, message

    # --- methods -------------------------------------------------------------------------

    async def get_me(self, p: Params) -> Any:
        return self.world.bot_user

    async def send_message(self, p: Params) -> Any:
        state = self._chat(p)
        text, entities = self._body_text(p)
        content: JSON = {"text": text}
        if entities:
            content["entities"] = entities
        return self._send(p, state, content)

    async def edit_message_text(self, p: Params) -> Any:
        _, message = self._own_message(p, "edit")
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        text, entities = self._body_text(p)
        markup = self._markup(p)
        if (
            text == message["text"]
            and entities == message.get("entities", [])
            and markup == message.get("reply_markup")
        ):
            raise bad_request(_NOT_MODIFIED)
        self._apply_edit(message, {"text": text, "entities": entities, "reply_markup": markup})
        return message

    async def edit_message_reply_markup(self, p: Params) -> Any:
        _, message = self._own_message(p, "edit")
        markup = self._markup(p)
        if markup == message.get("reply_markup"):
            raise bad_request(_NOT_MODIFIED)
        self._apply_edit(message, {"reply_markup": markup})
        return message

    def _apply_edit(self, message: JSON, changes: JSON) -> None:
        for key, value in changes.items():
            if value:
                message[key] = value
            else:
                message.pop(key, None)  # an edit without a keyboard removes the keyboard
        message["edit_date"] = max(int(message["date"]), int(time.time()))

    async def answer_callback_query(self, p: Params) -> Any:
        query_id = p.str_("callback_query_id") or ""
        if query_id not in self.world.open_queries:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        text = p.str_("text") or ""
        if utf16_len(text) > CALLBACK_ANSWER_LIMIT:
            raise bad_request("MESSAGE_TOO_LONG")
        del self.world.open_queries[query_id]
        self.world.callback_answers[query_id] = {
            "text": text or None,
            "show_alert": p.bool_("show_alert"),
            "url": p.str_("url"),
        }
        return True

    async def send_photo(self, p: Params) -> Any:
        state = self._chat(p)
        caption = self._caption(p)
        stored = self._file(p, "photo", "photo")
        return self._send(p, state, {"photo": stored.photo_sizes(), **caption})

    async def send_document(self, p: Params) -> Any:
        state = self._chat(p)
        caption = self._caption(p)
        stored = self._file(p, "document", "document")
        return self._send(p, state, {"document": stored.document(), **caption})

    async def copy_message(self, p: Params) -> Any:
        source = self._chat(p, "from_chat_id", sending=False)
        target = self._chat(p)
        message_id = p.required_int("message_id", "message identifier is not specified")
        original = source.messages.get(message_id)
        if original is None:
            raise bad_request("message to copy not found")
        content: JSON = {}
        if "text" in original:
            content["text"] = original["text"]
            if "entities" in original:
                content["entities"] = original["entities"]
        elif "photo" in original or "document" in original:
            key = "photo" if "photo" in original else "document"
            content[key] = original[key]
            if p.has("caption"):
                content.update(self._caption(p))
            else:
                content.update(
                    {k: original[k] for k in ("caption", "caption_entities") if k in original}
                )
        else:
            raise bad_request("message can't be copied")
        message = self._send(p, target, content)
        return {"message_id": message["message_id"]}

    async def get_file(self, p: Params) -> Any:
        stored = self.world.files.get(p.str_("file_id") or "")
        if stored is None:
            raise bad_request("invalid file_id")
        if len(stored.content) > DOWNLOAD_LIMIT:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }

    async def create_forum_topic(self, p: Params) -> Any:
        state = self._chat(p)
        if not state.chat.is_forum:
            raise bad_request("the chat is not a forum")
        name = p.str_("name") or ""
        if not name.strip():
            raise bad_request("TOPIC_NAME_EMPTY")
        if utf16_len(name) > 128:
            raise bad_request("TOPIC_NAME_INVALID")
        color = p.int_("icon_color")
        if color is not None and color not in _TOPIC_COLORS:
            raise bad_request("TOPIC_ICON_COLOR_INVALID")
        topic: JSON = {"name": name, "icon_color": color or 7322096}
        message = self.world.new_message(
            state, self.world.bot_user, None, {"forum_topic_created": dict(topic)}
        )
        thread_id = int(message["message_id"])
        message["message_thread_id"] = thread_id
        message["is_topic_message"] = True
        state.topics[thread_id] = name
        return {"message_thread_id": thread_id, **topic}

    async def delete_message(self, p: Params) -> Any:
        state = self._chat(p, sending=False)
        message_id = p.required_int("message_id", "message identifier is not specified")
        if state.messages.pop(message_id, None) is None:
            raise bad_request("message to delete not found")
        return True

    async def send_chat_action(self, p: Params) -> Any:
        state = self._chat(p)
        self._thread(p, state)
        if p.str_("action") not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    def _commands_key(self, p: Params) -> tuple[str, str]:
        scope = p.json_("scope", "can't parse BotCommandScope JSON object")
        scope_type = scope.get("type", "default") if isinstance(scope, dict) else "default"
        return str(scope_type), p.str_("language_code") or ""

    async def set_my_commands(self, p: Params) -> Any:
        commands = p.json_("commands", "can't parse commands JSON object")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            if not isinstance(command, dict):
                raise bad_request("can't parse commands JSON object")
            if not _COMMAND_NAME_RE.fullmatch(str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            description = str(command.get("description", ""))
            if not 1 <= len(description) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[self._commands_key(p)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    async def get_my_commands(self, p: Params) -> Any:
        return self.commands.get(self._commands_key(p), [])

    async def delete_my_commands(self, p: Params) -> Any:
        self.commands.pop(self._commands_key(p), None)
        return True
