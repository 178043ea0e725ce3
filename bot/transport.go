// Package bot is DealDesk's transport-agnostic chat layer: the Update and
// Reply model, the router, middleware, persisted conversations, buttons as
// server-side tokens, the outbox delivery worker and the handlers. Platform
// packages (bot/telegram, bot/mattermost, bot/console) only translate.
package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// ChatType tells a private chat from a group chat or channel.
type ChatType string

// Chat types.
const (
	ChatPrivate ChatType = "private"
	ChatGroup   ChatType = "group"
)

// Update is one thing a user did in a chat: a message or a button press.
// IDs are strings so that every platform fits.
type Update struct {
	// ID is the platform's own id of the update (Telegram's update_id, a
	// Mattermost post's id), so that one delivered again is recognized;
	// empty when the platform has none.
	ID        string
	Platform  string
	ChatID    string
	ChatType  ChatType
	ChatTitle string
	ThreadID  string // the thread to answer in, where the platform has threads
	MessageID string // the message, or the message whose button was pressed
	UserID    string // the platform's user id
	UserName  string // display name, for invites and logs
	Locale    string // the platform's language hint ("ru", "en-US"), may be empty

	// Text is the message text; for a command, Command and Args are set too.
	Text    string
	Command string // without the slash and bot name: "deal"
	Args    string // the rest of the line(s) after the command
	// BareCommands says that commands may come without the leading slash
	// (Mattermost's clients take "/…" for their own slash commands): a
	// message whose first word is a command name is that command.
	BareCommands bool
	// CommandPrefix is how commands are typed in this chat when it is not
	// "/" (Mattermost channels: "/crm "); /help shows commands with it.
	CommandPrefix string
	// Unverified says that the platform could not prove who sent the
	// update: it names a user, but anyone who holds the right credential
	// (Mattermost's slash command token) could have sent it in their name.
	// Commands that change something then wait for a confirmation in the
	// user's direct chat with the bot (see confirm.go).
	Unverified bool

	// Token is the opaque token of a pressed button; CallbackID is the
	// platform's id of the press, to be answered.
	Token      string
	CallbackID string

	// Files are the files sent with the message (a .docx, say), by the
	// platform's reference: the update is stored in the inbox, so it never
	// carries their bytes. A handler fetches one with Context.Download. The
	// message's text (a Telegram caption) is its command, if any.
	Files []IncomingFile `json:",omitempty"`
}

// IncomingFile is a file a user sent: what the platform says of it and its
// reference there.
type IncomingFile struct {
	Name string
	MIME string `json:",omitempty"`
	// Size is the size in bytes the platform reported (0: not reported).
	Size int64 `json:",omitempty"`
	// Ref is the platform's id of the file (Telegram's file_id, a
	// Mattermost file id, a path on the console's machine).
	Ref string
}

// FileSource is implemented by transports that can fetch the files users
// send.
type FileSource interface {
	// Download returns the content of a file a user sent. A file larger than
	// max bytes, or than the platform lets a bot fetch, is refused with a
	// *FileTooLargeError before its content is read; no more than max bytes
	// are ever read.
	Download(ctx context.Context, f IncomingFile, max int64) ([]byte, error)
}

// FileLimits is implemented by transports that bound the size of a file the
// bot sends (Telegram: 50 MB). A larger file is not sent: the message says
// so in its place.
type FileLimits interface {
	// MaxUpload is the largest file, in bytes, the platform takes from the
	// bot; 0 means no known bound.
	MaxUpload() int64
}

// FileTooLargeError refuses a file over a size limit.
type FileTooLargeError struct {
	Name string
	Size int64 // bytes; 0 when unknown
	Max  int64 // the limit, bytes
}

func (e *FileTooLargeError) Error() string {
	return fmt.Sprintf("file %q of %d bytes is over the limit of %d bytes", e.Name, e.Size, e.Max)
}

// IsAction reports whether the update is a button press.
func (u *Update) IsAction() bool { return u.Token != "" }

// ButtonView is a rendered button: a label and the opaque token it carries.
type ButtonView struct {
	Label string
	Token string
}

// File is an attachment: a document or a report. In a Reply, a file
// DealDesk stores (a document's DOCX or PDF) goes by its SHA256, Data
// empty: the outbox keeps the reference and the content is read when the
// reply is delivered. A transport always gets the content in Data.
type File struct {
	Name   string
	MIME   string
	Data   []byte
	SHA256 string
}

// Message is a rendered message for a transport to send.
type Message struct {
	// ChatID is where to send; with Direct it is a user's platform id,
	// and the message goes to the private chat with that user.
	ChatID   string
	Direct   bool
	ThreadID string
	ReplyTo  string // message to reply to, where the platform supports it
	// EditID, when set, replaces the text and buttons of that message
	// instead of sending a new one; with an empty Text only the buttons
	// are replaced (none: the keyboard is removed).
	EditID  string
	Text    string
	Buttons [][]ButtonView
	Files   []File
	// Mentions are the people to mention, where the platform supports it,
	// so that they are notified.
	Mentions []Mention
}

// Mention is a person a message mentions: their platform user id and the
// name to show (the DealDesk user's name), for platforms that mention by
// id under a name of the bot's choosing (Telegram's text_mention).
type Mention struct {
	ID   string
	Name string
}

// CommandInfo describes a command for a platform's command menu.
type CommandInfo struct {
	Command     string
	Description string
}

// Transport connects the bot to a chat platform.
type Transport interface {
	// Platform is the platform name: "telegram", "mattermost", "console".
	Platform() string
	// Run receives updates and hands them to the inbox until ctx is done or
	// the source ends (the console at end of input returns io.EOF). It
	// tells the platform that an update arrived only after in.Take stored
	// it; Take may be called from several goroutines.
	Run(ctx context.Context, in Inbox) error
	// Send delivers a message and returns the platform's id of it. A
	// *RateLimitError tells the caller when to try again.
	Send(ctx context.Context, m *Message) (string, error)
	// Answer acknowledges a button press (Telegram's answerCallbackQuery);
	// text may be empty. Platforms without such a thing return nil.
	Answer(ctx context.Context, callbackID, text string) error
}

// Popups is implemented by transports that can answer a button press with
// a notice that only its presser sees (Telegram's callback pop-up,
// Mattermost's ephemeral text). A press refused as stale, not the
// presser's or not allowed for their role is answered so, and never by a
// message to the chat, which a whole group would read.
type Popups interface {
	// Popup answers a press with text shown to the presser alone, in place
	// of Answer. It fails when the platform no longer takes an answer to
	// that press (it was handled too late); the bot then says it in the
	// chat instead.
	Popup(ctx context.Context, callbackID, text string) error
}

// ThreadOpener is implemented by transports whose chats have threads: it
// opens one named title in a chat and returns its id, the ThreadID that
// messages in it carry (a Telegram forum topic's message_thread_id, a
// Mattermost root post's id). A chat that cannot have threads (a Telegram
// group that is no forum) is a *PermanentError.
type ThreadOpener interface {
	OpenThread(ctx context.Context, chatID, title string) (threadID string, err error)
}

// CommandMenu is implemented by transports that show a command menu
// (Telegram's setMyCommands): one of its own for each known user, and a
// default one for everyone else, each in several languages.
type CommandMenu interface {
	// SetCommands sets the menu shown in a language (lang "" for any
	// language that has no list of its own): in the private chat with the
	// user userID (their id on the platform), or the default menu when
	// userID is empty. Nil cmds remove the user's own menu, so that the
	// default one shows.
	SetCommands(ctx context.Context, userID, lang string, cmds []CommandInfo) error
}

// RateLimitError is returned by a transport when the platform asks to wait
// (HTTP 429 with retry_after / Retry-After).
type RateLimitError struct {
	RetryAfter time.Duration
	Err        error
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("rate limited, retry after %s: %v", e.RetryAfter, e.Err)
}

func (e *RateLimitError) Unwrap() error { return e.Err }

// PermanentError marks a delivery failure that retrying cannot fix (the
// chat is gone, the bot was blocked): the outbox stops retrying it.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return "permanent: " + e.Err.Error() }

func (e *PermanentError) Unwrap() error { return e.Err }

// ChatMovedError reports that a chat got a new id (a Telegram group that
// became a supergroup). Sending to the old id can never succeed; the work
// chat binding and the message move to the new id.
type ChatMovedError struct {
	NewChatID string
	Err       error
}

func (e *ChatMovedError) Error() string {
	return fmt.Sprintf("chat moved to %s: %v", e.NewChatID, e.Err)
}

func (e *ChatMovedError) Unwrap() error { return e.Err }

// IsPermanent reports whether err is a PermanentError.
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}

// MaxTextLen is the longest message text DealDesk accepts or sends
// (Telegram's limit, in characters).
const MaxTextLen = 4096

// ParseCommand splits "/deal new" into ("deal", "new"). A "@botname" suffix
// on the command is dropped; any space (a line break, a non-breaking
// space) ends the command's name. ok is false when text is not a command
// ("//deal" is not one either).
func ParseCommand(text string) (cmd, args string, ok bool) {
	text = strings.TrimLeftFunc(text, unicode.IsSpace)
	if !strings.HasPrefix(text, "/") {
		return "", "", false
	}
	head, rest := text[1:], ""
	if i := strings.IndexFunc(head, unicode.IsSpace); i >= 0 {
		head, rest = head[:i], head[i:]
	}
	head, _, _ = strings.Cut(head, "@")
	if head == "" || strings.HasPrefix(head, "/") {
		return "", "", false
	}
	return strings.ToLower(head), strings.TrimSpace(rest), true
}
