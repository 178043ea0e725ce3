package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/dealdesk/dealdesk/bot"
)

// The Bot API's file size limits (https://core.telegram.org/bots/api):
// a bot downloads files of up to 20 MB (getFile) and sends files of up to
// 50 MB (sendDocument). A local Bot API server lifts both; set
// Config.MaxDownload and Config.MaxUpload for one.
const (
	DefaultMaxDownload = 20 << 20
	DefaultMaxUpload   = 50 << 20
)

var (
	_ bot.FileSource = (*Transport)(nil)
	_ bot.FileLimits = (*Transport)(nil)
)

// MaxUpload is the largest file the bot sends (Config.MaxUpload, 50 MB by
// default): the chat layer leaves a larger one out and says so.
func (t *Transport) MaxUpload() int64 { return t.cfg.MaxUpload }

// wireFileInfo is getFile's File object.
type wireFileInfo struct {
	FileID   string `json:"file_id"`
	FileSize int64  `json:"file_size"`
	FilePath string `json:"file_path"`
}

// Download fetches a file a user sent: getFile for its path, then the file
// from <APIURL>/file/bot<token>/<path>. A file over max, or over the Bot
// API's 20 MB (Config.MaxDownload), is refused with *bot.FileTooLargeError
// before anything is fetched, from what the message said of its size or
// what getFile says; no more than max bytes are read. A local Bot API
// server (--local) answers with an absolute path on its own disk, which is
// read from there.
func (t *Transport) Download(ctx context.Context, f bot.IncomingFile, max int64) ([]byte, error) {
	limit := min(max, t.cfg.MaxDownload)
	if max <= 0 {
		limit = t.cfg.MaxDownload
	}
	if f.Size > limit {
		return nil, &bot.FileTooLargeError{Name: f.Name, Size: f.Size, Max: limit}
	}
	raw, err := t.request(ctx, "getFile", tgbotapi.Params{"file_id": f.Ref})
	if err != nil {
		if isTooBig(err) {
			return nil, &bot.FileTooLargeError{Name: f.Name, Size: f.Size, Max: limit}
		}
		return nil, err
	}
	var info wireFileInfo
	if err := json.Unmarshal(raw, &info); err != nil || info.FilePath == "" {
		return nil, fmt.Errorf("telegram: getFile: unexpected result %.100q", raw)
	}
	if info.FileSize > limit {
		return nil, &bot.FileTooLargeError{Name: f.Name, Size: info.FileSize, Max: limit}
	}
	var body io.ReadCloser
	if filepath.IsAbs(info.FilePath) {
		file, err := os.Open(info.FilePath)
		if err != nil {
			return nil, fmt.Errorf("telegram: read a local Bot API server's file: %w", err)
		}
		body = file
	} else if body, err = t.fetch(ctx, info.FilePath); err != nil {
		return nil, err
	}
	defer body.Close()
	data, err := io.ReadAll(io.LimitReader(body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("telegram: download a file: %w", scrub(err, t.cfg.Token))
	}
	if int64(len(data)) > limit {
		return nil, &bot.FileTooLargeError{Name: f.Name, Size: info.FileSize, Max: limit}
	}
	return data, nil
}

// fetch opens the download of a file by its getFile path.
func (t *Transport) fetch(ctx context.Context, path string) (io.ReadCloser, error) {
	u := strings.TrimRight(t.cfg.APIURL, "/") + "/file/bot" + t.cfg.Token + "/" + escapePath(path)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("telegram: download a file: %w", scrub(err, t.cfg.Token))
	}
	resp, err := t.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("telegram: download a file: %w", scrub(err, t.cfg.Token))
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		err := fmt.Errorf("telegram: download a file: HTTP %d", resp.StatusCode)
		if resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusBadRequest {
			// The path expired (it is good for an hour) or never was.
			return nil, &bot.PermanentError{Err: err}
		}
		return nil, err
	}
	return resp.Body, nil
}

// escapePath escapes each segment of a file path for a URL.
func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

// isTooBig reports getFile's refusal of a file over 20 MB.
func isTooBig(err error) bool {
	var apiErr *tgbotapi.Error
	return errors.As(err, &apiErr) && strings.Contains(apiErr.Message, "file is too big")
}
