package bot

// Args are the template arguments of a message.
type Args = map[string]any

// Button is a button of a reply before it is issued: a label key and the
// action (with payload) that pressing it runs. The token that stands for it
// on the platform is issued when the reply is sent.
type Button struct {
	LabelKey string
	Args     Args
	Action   string
	Payload  string
	// AnyUser lets anyone in the chat whose role allows the action press it;
	// by default only the user being answered may.
	AnyUser bool
}

// Reply is what a handler answers: a locale key with arguments (or text
// already rendered from the locale files), buttons and files.
type Reply struct {
	Key     string
	Args    Args
	Text    string // used as is when Key is empty
	Buttons [][]Button
	Files   []File
	// Edit replaces the message whose button was pressed, instead of
	// sending a new one (the buttons of a decided question disappear).
	Edit bool
}

// Row is a helper that makes a keyboard row.
func Row(bs ...Button) []Button { return bs }
