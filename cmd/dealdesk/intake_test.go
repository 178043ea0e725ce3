package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// dadataServer answers findById/party in DaData's wire format: Sberbank for
// its INN, an empty list for any other, and HTTP 503 while down is set.
func dadataServer(t *testing.T, down *atomic.Bool) *httptest.Server {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/findById/party") ||
			r.Header.Get("Authorization") != "Token test-key" {
			http.Error(w, `{"family":"CLIENT_ERROR","reason":"Forbidden","message":"Bad token"}`, http.StatusForbidden)
			return
		}
		if down != nil && down.Load() {
			http.Error(w, "<html>503 Service Temporarily Unavailable</html>", http.StatusServiceUnavailable)
			return
		}
		var q struct{ Query string }
		_ = json.NewDecoder(r.Body).Decode(&q)
		w.Header().Set("Content-Type", "application/json")
		if q.Query != "7707083893" {
			_, _ = w.Write([]byte(`{"suggestions":[]}`))
			return
		}
		_, _ = w.Write([]byte(`{"suggestions":[{"value":"ПАО СБЕРБАНК","unrestricted_value":"ПАО СБЕРБАНК","data":{
			"kpp":"773601001","inn":"7707083893","ogrn":"1027700132195","ogrn_date":677376000000,"hid":"x",
			"type":"LEGAL","branch_type":"MAIN","branch_count":89,
			"name":{"full_with_opf":"ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО \"СБЕРБАНК РОССИИ\"","short_with_opf":"ПАО СБЕРБАНК",
				"full":"СБЕРБАНК РОССИИ","short":"СБЕРБАНК"},
			"opf":{"code":"12247","full":"Публичное акционерное общество","short":"ПАО"},
			"management":{"name":"Греф Герман Оскарович","post":"ПРЕЗИДЕНТ, ПРЕДСЕДАТЕЛЬ ПРАВЛЕНИЯ"},
			"state":{"status":"ACTIVE","actuality_date":1700000000000,"registration_date":677376000000},
			"address":{"value":"г Москва, ул Вавилова, д 19","unrestricted_value":"117312, г Москва, ул Вавилова, д 19"},
			"okved":"64.19"}}]}`))
	}))
	t.Cleanup(s.Close)
	return s
}

// TestIntakeThroughTheConsole: a pasted card with a wrong account key gets
// the error named; the officer (the console admin here) verifies against
// DaData (its fake), sees the differences, writes the card; an invalid INN
// is refused; a liquidated counterparty would need a head.
func TestIntakeThroughTheConsole(t *testing.T) {
	dir := t.TempDir()
	srv := dadataServer(t, nil)
	env := map[string]string{"DADATA_API_KEY": "test-key", "DADATA_URL": srv.URL}
	card := "\"\"\"\n/intake\nСокращённое наименование: ООО «Сбер»\nИНН/КПП 7707083893/773601001\nОГРН 1027700132195\n" +
		"Генеральный директор: Иванов Иван Иванович\nр/с 40702810938000012346\nБИК 044525225\n\"\"\"\n"
	out := runMain(t, dir, card+"/tasks\n1\n1\n/client 7707083893\n", env)
	mustContain(t, out, "Обращение #1 передано в сопровождение", "р/с: не сходится контрольная цифра (ключ)",
		"Проверка обращения #1", "DaData: ПАО СБЕРБАНК — действующее", "Расхождения с реестром",
		"руководитель: указано «Иванов Иван Иванович», в реестре «Греф Герман Оскарович»",
		"Карточка клиента сохранена по данным реестра (DaData)", "Директор: Греф Герман Оскарович (президент, председатель правления)")
	out = runMain(t, dir, "/intake 7707083894\n/client 7707083893\n", env)
	mustContain(t, out, "ИНН 7707083894 неверный", "ПАО СБЕРБАНК (ЮЛ), карточка #1", "При проверке")

	// A card under another INN with the same name is a likely duplicate:
	// shown with a button that merges it into the first card.
	out = runMain(t, dir, "/client 7736207543\n1\nСбербанк, ПАО\n-\n-\n-\n-\nда\n7\n1\n/history 7707083893\n", env)
	mustContain(t, out, "Возможные дубли в базе:", "#1 ПАО СБЕРБАНК, 7707083893/773601001",
		"[7] Объединить #2 → #1", "У карточек разные ИНН", "Дубль #2 объединён", "объединение дублей")
}
