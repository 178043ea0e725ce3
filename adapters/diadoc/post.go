package diadoc

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dealdesk/dealdesk/adapters/internal/retryafter"
	"github.com/dealdesk/dealdesk/core"
)

// TypeNamedID is the document type drafts are posted as: a non-formalized
// document (any file: a PDF or DOCX contract, proposal, supplementary
// agreement or invoice), which may ask for the recipient's signature.
const TypeNamedID = "Nonformalized"

// shelfPart is the size of one part uploaded to the shelf.
const shelfPart = 1 << 20

// maxComment is Diadoc's limit of a document's comment, in characters.
const maxComment = 5000

// PostDraft posts the document as a draft from DealDesk's box to the
// recipient's (PostMessage with IsDraft and the draft's OperationID as
// operationId: a repeat returns the first post's result, so a retry after
// a crash posts nothing twice). A file from ShelfThreshold up goes through
// the shelf. A 204 (still processing) is asked again after its
// Retry-After, at most MaxPolls times.
func (c *Client) PostDraft(ctx context.Context, d *core.EDODraft) (*core.EDOPosted, error) {
	const op = "PostMessage"
	switch {
	case d == nil || strings.TrimSpace(d.OperationID) == "":
		return nil, core.Wrap(core.EINTERNAL, "err.internal", errors.New("diadoc: a draft without an operation id could be posted twice"))
	case strings.TrimSpace(d.ToBoxID) == "":
		return nil, c.fail(core.EINVALID, ErrBadRequest, op, errors.New("no recipient box"), "no recipient box")
	case len(d.Content) == 0:
		return nil, c.fail(core.EINVALID, ErrBadRequest, op, errors.New("an empty file"), "an empty file")
	}
	from, err := c.ownBox(ctx)
	if err != nil {
		return nil, err
	}
	att := documentAttachment{
		Comment:                truncate(strings.TrimSpace(d.Comment), maxComment),
		NeedRecipientSignature: d.NeedRecipientSignature,
		CustomDocumentID:       d.OperationID,
		TypeNamedID:            TypeNamedID,
		Metadata:               []metadataItem{{Key: "FileName", Value: baseName(d.FileName)}},
	}
	shelf := len(d.Content) >= c.shelfAt
	if shelf {
		name, err := c.shelfUpload(ctx, d)
		if err != nil {
			return nil, err
		}
		att.SignedContent.NameOnShelf = name
	} else {
		att.SignedContent.Content = d.Content
	}
	body, err := json.Marshal(messageToPost{
		FromBoxID:           from,
		ToBoxID:             strings.TrimSpace(d.ToBoxID),
		FromDepartmentID:    c.department,
		IsDraft:             true,
		DocumentAttachments: []documentAttachment{att},
	})
	if err != nil {
		return nil, core.Wrap(core.EINTERNAL, "err.internal", err)
	}
	q := url.Values{"operationId": {d.OperationID}}
	for poll := 0; ; poll++ {
		resp, err := c.do(ctx, request{op: op, method: http.MethodPost, path: "/V3/PostMessage", query: q,
			body: body, contentType: "application/json"})
		if err != nil {
			return nil, err
		}
		if resp.status == http.StatusOK {
			posted, err := c.posted(op, resp)
			if err != nil {
				return nil, err
			}
			c.log.Info().Str("operation_id", d.OperationID).Str("to_box", d.ToBoxID).Str("message_id", posted.MessageID).
				Int("bytes", len(d.Content)).Bool("shelf", shelf).Msg("draft posted to diadoc")
			return posted, nil
		}
		// 204 (or another 2xx without a message): still processing.
		if poll >= c.maxPolls {
			return nil, c.fail(core.EUNAVAILABLE, ErrUnavailable, op,
				errors.New("still processing after "+strconv.Itoa(poll+1)+" tries"), "still processing")
		}
		wait := retryafter.Parse(resp.header.Get("Retry-After"), time.Now())
		if wait == 0 {
			wait = c.retryWait
		}
		if wait > c.maxWait {
			return nil, c.fail(core.EUNAVAILABLE, ErrUnavailable, op,
				errors.New("still processing; Retry-After "+wait.String()), "still processing")
		}
		c.log.Debug().Str("operation_id", d.OperationID).Dur("wait", wait).Msg("diadoc still processes the post")
		if err := c.sleep(ctx, wait); err != nil {
			return nil, c.fail(core.EUNAVAILABLE, ErrUnavailable, op, err, "")
		}
	}
}

// posted reads PostMessage's answer, the posted Message: its id and the
// document's entity (the attachment without a parent).
func (c *Client) posted(op string, resp *response) (*core.EDOPosted, error) {
	var m message
	if err := c.decode(op, resp, &m); err != nil {
		return nil, err
	}
	for _, e := range m.Entities {
		if e.EntityType.name(entityTypes) == "Attachment" && e.ParentEntityID == "" && e.EntityID != "" {
			if m.MessageID == "" {
				break
			}
			return &core.EDOPosted{MessageID: m.MessageID, EntityID: e.EntityID}, nil
		}
	}
	return nil, c.fail(core.EUNAVAILABLE, ErrBadAnswer, op, errors.New("the posted message has no document"), "")
}

// shelfUpload puts the draft's file on the shelf in parts and returns its
// name for SignedContent.NameOnShelf. The name is the operation's and the
// content's, so a retry uploads to the same name. After the last part
// Diadoc lists the parts it missed; those are uploaded again (twice at
// most).
func (c *Client) shelfUpload(ctx context.Context, d *core.EDODraft) (string, error) {
	const op = "ShelfUpload"
	sum := sha256.Sum256(d.Content)
	name := "dealdesk-" + safeName(d.OperationID) + "-" + hex.EncodeToString(sum[:8])
	if ext := strings.TrimPrefix(path.Ext(d.FileName), "."); ext != "" {
		name += "." + safeName(strings.ToLower(ext))
	}
	parts := (len(d.Content) + shelfPart - 1) / shelfPart
	upload := func(i int, last bool) (*response, error) {
		q := url.Values{"nameOnShelf": {"__userId__/" + name}, "partIndex": {strconv.Itoa(i)}}
		if last {
			q.Set("isLastPart", "1")
		}
		end := min((i+1)*shelfPart, len(d.Content))
		return c.do(ctx, request{op: op, method: http.MethodPost, path: "/ShelfUpload", query: q,
			body: d.Content[i*shelfPart : end], contentType: "application/octet-stream"})
	}
	for i := 0; i < parts-1; i++ {
		if _, err := upload(i, false); err != nil {
			return "", err
		}
	}
	for round := 0; round < 3; round++ {
		resp, err := upload(parts-1, true)
		if err != nil {
			return "", err
		}
		missing := missingParts(resp.body, parts)
		if len(missing) == 0 {
			return name, nil
		}
		if round == 2 {
			break
		}
		c.log.Warn().Ints("parts", missing).Msg("diadoc missed shelf parts; uploading them again")
		for _, i := range missing {
			if i == parts-1 {
				continue
			}
			if _, err := upload(i, false); err != nil {
				return "", err
			}
		}
	}
	return "", c.fail(core.EUNAVAILABLE, ErrUnavailable, op, errors.New("parts of the file stay missing on the shelf"), "")
}

// missingParts reads the last part's answer: the JSON list of the parts
// Diadoc did not get (empty when all arrived).
func missingParts(body []byte, parts int) []int {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil
	}
	var list []int
	if json.Unmarshal(body, &list) != nil {
		var obj struct{ MissingParts []int }
		if json.Unmarshal(body, &obj) != nil {
			return nil
		}
		list = obj.MissingParts
	}
	var out []int
	for _, i := range list {
		if i >= 0 && i < parts {
			out = append(out, i)
		}
	}
	return out
}

// baseName is a file's name without directories and extension: Diadoc
// shows FileName as the document's name.
func baseName(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	if name == "." || name == "/" {
		return "document"
	}
	if ext := path.Ext(name); ext != "" && ext != name {
		name = strings.TrimSuffix(name, ext)
	}
	return name
}

// safeName keeps the letters, digits, "-" and "_" of s for a shelf name.
func safeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// truncate shortens s to at most n characters.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n])
}
