package mattermost

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/dealdesk/dealdesk/bot"
)

// DefaultMaxUpload is Mattermost's default FileSettings.MaxFileSize (100
// MB), the bound of a file the bot uploads until the server says its own.
const DefaultMaxUpload = 100 << 20

var (
	_ bot.FileSource = (*Transport)(nil)
	_ bot.FileLimits = (*Transport)(nil)
)

// MaxUpload is the largest file the server takes (its MaxFileSize, read at
// start; 100 MB until then): the chat layer leaves a larger one out of a
// message and says so.
func (t *Transport) MaxUpload() int64 {
	if n := t.maxUpload.Load(); n > 0 {
		return n
	}
	return DefaultMaxUpload
}

// readMaxUpload learns the server's MaxFileSize from its client
// configuration; on failure the default stays.
func (t *Transport) readMaxUpload(ctx context.Context) {
	resp, err := t.client.DoAPIGet(ctx, "/config/client?format=old", "")
	if err != nil {
		t.log.Debug().Err(t.scrub(err)).Msg("mattermost: the server's file size limit is unknown; 100 MB assumed")
		return
	}
	defer resp.Body.Close()
	var cfg map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&cfg); err != nil {
		return
	}
	if n, err := strconv.ParseInt(cfg["MaxFileSize"], 10, 64); err == nil && n > 0 {
		t.maxUpload.Store(n)
	}
}

// postFiles lists the files attached to a post, from the post's metadata
// (the server puts their infos there) or, when it has none, asked of the
// server one by one. A file deleted meanwhile is left out.
func (t *Transport) postFiles(ctx context.Context, p *model.Post) ([]bot.IncomingFile, error) {
	if len(p.FileIds) == 0 {
		return nil, nil
	}
	known := map[string]*model.FileInfo{}
	if p.Metadata != nil {
		for _, fi := range p.Metadata.Files {
			if fi != nil {
				known[fi.Id] = fi
			}
		}
	}
	out := make([]bot.IncomingFile, 0, len(p.FileIds))
	for _, id := range p.FileIds {
		fi := known[id]
		if fi == nil {
			if err := t.limit.wait(ctx); err != nil {
				return nil, err
			}
			info, resp, err := t.client.GetFileInfo(ctx, id)
			t.limit.observe(resp)
			if resp != nil && (resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusForbidden) {
				continue
			}
			if err != nil {
				return nil, t.classify("get file info", resp, err)
			}
			fi = info
		}
		out = append(out, bot.IncomingFile{Name: fi.Name, MIME: fi.MimeType, Size: fi.Size, Ref: fi.Id})
	}
	return out, nil
}

// Download fetches a file a user attached to a post. A file over max is
// refused with *bot.FileTooLargeError, by the size the server reported,
// before it is fetched.
func (t *Transport) Download(ctx context.Context, f bot.IncomingFile, max int64) ([]byte, error) {
	if max > 0 && f.Size > max {
		return nil, &bot.FileTooLargeError{Name: f.Name, Size: f.Size, Max: max}
	}
	if err := t.limit.wait(ctx); err != nil {
		return nil, err
	}
	data, resp, err := t.client.GetFile(ctx, f.Ref)
	t.limit.observe(resp)
	if err != nil {
		return nil, t.classify("get file", resp, err)
	}
	if max > 0 && int64(len(data)) > max {
		return nil, &bot.FileTooLargeError{Name: f.Name, Size: int64(len(data)), Max: max}
	}
	return data, nil
}
