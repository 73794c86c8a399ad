// Package polaris records payments of library fines and fees in Polaris
// ILS through Polaris.ApplicationServices, the staff ("Leap") API.
//
// Two calls post money. PayFinesAndFees pays existing charges of a patron
// once a card reader (or another way of paying) has taken the money: PUT
// .../patrons/{id}/accounttransactions/finesfees?action=pay. AnswerWorkflow
// answers a prompt of a running workflow, such as the processing and
// overdue charges of a checkout paid on a card reader: PUT
// .../workflow/{guid}. A workflow may ask more than one prompt, so
// AnswerWorkflow returns the next prompt, if any (WorkflowResult.Done,
// WorkflowResult.Prompt), and the caller answers until the workflow is
// done. GetFinesAndFees reads a patron's fines and fees back; Settle uses
// it to settle a payment whose outcome is unknown. Authenticate logs in.
//
// Every URL lies under Config.BaseURL
// (https://{host}/Polaris.ApplicationServices) as
// /api/{Version}/{Language}/{ProductID}/{SiteDomain}/{OrganizationID}/{WorkstationID}/...;
// the login is POST /api/{Version}/{Language}/{ProductID}/authentication/staffuser
// with "Authorization: Basic base64(DOMAIN\user:password)". It returns an
// AccessToken and an AccessSecret, which every call then sends as
// "Authorization: PAS {SiteDomain}:{AccessToken}:{AccessSecret}", and an
// AuthExpDate without a zone, read in Config.Location. The token is shared
// by all goroutines, renewed in the background shortly before AuthExpDate,
// and renewed once more if Polaris answers 401.
//
// Every error is a *Error whose outcome (see "The outcome model" in the
// module's README) says whether the call may be sent again. Polaris'
// specifics:
//   - 409 means the patron record is secured: errors.Is(err,
//     ErrPatronSecured), not applied, and not worth resending as is.
//   - A refusal whose message says the charges are already paid, or the
//     workflow already completed (Config.AlreadyAppliedPhrases), is
//     ErrAlreadyApplied: an earlier payment stands.
//   - A workflow answered with InvalidReply is ErrNotApplied; one answered
//     with ErrorOccurred or CompletedFailure is ErrOutcomeUnknown, since
//     the workflow failed after taking the answer and a payment it carried
//     may have been recorded. Both return the WorkflowResult too.
//   - Error bodies are read as JSON when they parse (Message,
//     ExceptionMessage, ErrorMessage, ErrorCode, ModelState), else as
//     text; the message is passed through with secrets removed.
//
// # Settling unknown outcomes
//
// Polaris' read-back lists what a patron's charges owe, not the payments
// made, so Settle decides from amounts: give PayFinesAndFeesRequest what
// each charge owed before paying (OwedBefore, not sent), and an unknown
// payment's error carries a SettleRequest (SettleRequestOf) to store and
// settle, after a restart too. Settle reads GetFinesAndFees and compares
// the named charges with what they owed: down by the payment's amount (or
// by all they owed, for an overpayment) is SettleApplied, with
// AmountDiffers when they went down by more; owing exactly what they owed
// is SettleAbsent, once the payment was sent more than the settle grace
// ago (WithSettleGrace, for a read-back that lags behind a write), and
// SettleUnknown with the time to settle again before that. Absent means
// pay again, with the same charges and amount. Only the grace guards that
// against a payment Polaris shows late: longer is safer against a lagging
// read-back, shorter settles sooner. (Polaris refuses a second payment of
// charges a first one paid in full as already paid, ErrAlreadyApplied; a
// second part payment it would apply.) Anything else is SettleUnknown with
// a Reason, never a guess: a charge no longer listed (paid in full, waived
// or paid another way: the list does not say which), charges that went
// down by less than the payment, or one owing more than before. So where
// Polaris drops charges paid in full, a payment that paid its charges in
// full is settled by a person, not by Settle. A workflow answer is not
// settled (see AnswerWorkflow).
//
// Assumptions, where the partner document does not say:
//   - GetFinesAndFees is a GET on the same finesfees resource, answered
//     with the same FineFee objects as a pay with reload=true (as a list,
//     or as an object holding FinesAndFees), and it lists what the patron
//     still owes: a charge paid in full may be missing from it.
//   - Settle's reading of it: Polaris applies a payment's whole amount to
//     the charges in MainTxnIDs, up to what they owe (the rest of an
//     overpayment becomes a credit the list does not show), so a recorded
//     payment shows as their OutstandingAmount going down by it. The
//     document shows neither the read nor how a payment changes it.
//   - The login answer's fields beyond AccessToken, AccessSecret,
//     AuthExpDate and SiteDomain (PolarisUser) are read as public Polaris
//     clients read them.
//   - How Polaris words "already paid" and "already completed" refusals
//     (see Config.AlreadyAppliedPhrases), and the largest amount it takes
//     (SQL Server money: MaxAmountCents).
//   - The card packet's amount is sent as both amount (the sample's key)
//     and txnAmount (the table's required TxnAmount).
//   - The PAS header names Config.SiteDomain, the site in the URL; the
//     site the login answers with is in AuthResult.SiteDomain.
//
// Package polaristest is an in-process fake of Polaris for tests.
package polaris

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/civicpay/datapump/internal/redact"
	"github.com/civicpay/datapump/internal/tokencache"
	"github.com/civicpay/datapump/internal/transport"
)

const partner = "polaris"

// Defaults of Config, from Polaris' documentation.
const (
	DefaultVersion    = "v1"
	DefaultLanguage   = "eng"
	DefaultProductID  = 20 // Leap
	DefaultSiteDomain = "polaris"
	// renewBefore is how long before AuthExpDate a token is renewed.
	renewBefore = time.Minute
)

// Length limits the SDK applies before sending.
const (
	// MaxFreeTextNoteLen is the longest FreeTextNote accepted: Polaris
	// keeps account notes in a 255-character column (an assumption).
	MaxFreeTextNoteLen = 255
	maxName            = 256
	maxSegment         = 64
	maxCardText        = 255
	maxCardRaw         = 8000
)

// MaxAmountCents is the largest amount a call accepts, in cents
// (922337203685477.58): the largest SQL Server money value, which Polaris
// stores amounts in (an assumption), to the cent. A larger amount would
// fail inside Polaris with an unknown outcome, so it is refused before
// sending.
const MaxAmountCents = 92233720368547758

var maxAmount = Cents(MaxAmountCents)

// DefaultAlreadyAppliedPhrases are the texts that mark a refusal as "done
// before" unless Config.AlreadyAppliedPhrases says otherwise.
func DefaultAlreadyAppliedPhrases() []string { return []string{"already paid", "already completed"} }

// Config is what a payments backend loads from its settings. Printing it
// (fmt, slog, encoding/json) never shows the password.
type Config struct {
	// BaseURL is Polaris.ApplicationServices' URL, e.g.
	// "https://catalog.example.org/Polaris.ApplicationServices". Required.
	BaseURL string
	// Version, Language, ProductID and SiteDomain are the URL's api
	// version, language, product id and site domain; empty or zero means
	// DefaultVersion, DefaultLanguage, DefaultProductID, DefaultSiteDomain.
	// SiteDomain is also the site in the PAS authorization header.
	Version    string
	Language   string
	ProductID  int
	SiteDomain string
	// OrganizationID and WorkstationID are the branch and workstation the
	// calls are made from. Required, > 0.
	OrganizationID int
	WorkstationID  int

	// StaffDomain, StaffUserName and StaffPassword are the staff user's
	// network domain and credentials, sent as Basic "DOMAIN\user:password"
	// to log in. Required.
	StaffDomain   string
	StaffUserName string
	StaffPassword Secret

	// Location is the time zone Polaris writes its zone-less times in
	// (AuthExpDate, FineFee.TxnDate); nil means UTC.
	Location *time.Location

	// AlreadyAppliedPhrases are texts which, found in the message of a
	// 4xx refusal of a payment or workflow answer (case-insensitively),
	// mean it was applied before: the error is then ErrAlreadyApplied.
	// Polaris does not document these refusals, so this is a guess; nil
	// means DefaultAlreadyAppliedPhrases, and an empty slice recognises
	// none.
	AlreadyAppliedPhrases []string
}

// Client records payments in one Polaris system. It is safe for
// concurrent use; create one and reuse it.
type Client struct {
	cfg      Config
	loc      *time.Location
	already  []string    // lower-cased AlreadyAppliedPhrases
	login    http.Header // the Basic authorization of the login
	authArgs []string    // path values of the login URL
	apiArgs  []string    // path values every API URL starts with
	http     *transport.Client
	session  *tokencache.Cache[credential]
	seen     sync.Map // card service credentials already scrubbed
}

// New checks cfg and opts and returns a Client. It sends nothing; an
// invalid Config is a NotApplied *Error of op "New" naming the fields.
func New(cfg Config, opts ...Option) (*Client, error) {
	base, err := cfg.normalize()
	if err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, loc: cfg.Location}
	if c.loc == nil {
		c.loc = time.UTC
	}
	phrases := cfg.AlreadyAppliedPhrases
	if phrases == nil {
		phrases = DefaultAlreadyAppliedPhrases()
	}
	for _, p := range phrases {
		c.already = append(c.already, strings.ToLower(p))
	}
	basic := "Basic " + basicAuth(cfg.StaffDomain+`\`+cfg.StaffUserName, cfg.StaffPassword.Reveal())
	c.login = http.Header{"Authorization": {basic}}
	product := strconv.Itoa(cfg.ProductID)
	c.authArgs = []string{cfg.Version, cfg.Language, product}
	c.apiArgs = []string{cfg.Version, cfg.Language, product, cfg.SiteDomain,
		strconv.Itoa(cfg.OrganizationID), strconv.Itoa(cfg.WorkstationID)}

	secrets := new(redact.Secrets)
	secrets.AddPermanent(cfg.StaffPassword.Reveal(), strings.TrimPrefix(basic, "Basic "))
	c.http, err = transport.New(transport.Partner{
		Name:          partner,
		BaseURL:       base,
		SafeQueryKeys: []string{"action", "reload", "overpayment", "circ"},
		Secrets:       secrets,
		ParseError:    c.parseError,
	}, opts...)
	if err != nil {
		return nil, err
	}
	c.session = tokencache.New(c.http, opAuthenticate, c.logIn, renewBefore)
	return c, nil
}

// normalize fills defaults and checks every field, returning the base URL.
func (c *Config) normalize() (*url.URL, error) {
	var chk transport.Checks
	base := chk.BaseURL("Config.BaseURL", c.BaseURL)
	for _, d := range []struct {
		field string
		value *string
		def   string
	}{
		{"Config.Version", &c.Version, DefaultVersion},
		{"Config.Language", &c.Language, DefaultLanguage},
		{"Config.SiteDomain", &c.SiteDomain, DefaultSiteDomain},
	} {
		if *d.value == "" {
			*d.value = d.def
		}
		chk.PathSegment(d.field, *d.value, maxSegment)
	}
	if strings.ContainsAny(c.SiteDomain, ": ") {
		chk.Add("Config.SiteDomain", "must not contain a colon or space (it travels in the PAS authorization header)")
	}
	if c.ProductID == 0 {
		c.ProductID = DefaultProductID
	}
	for _, n := range []struct {
		field string
		value int
	}{{"Config.ProductID", c.ProductID}, {"Config.OrganizationID", c.OrganizationID}, {"Config.WorkstationID", c.WorkstationID}} {
		if n.value <= 0 {
			chk.Add(n.field, "must be greater than zero")
		}
	}
	chk.Text("Config.StaffDomain", c.StaffDomain, maxName)
	chk.Text("Config.StaffUserName", c.StaffUserName, maxName)
	chk.Text("Config.StaffPassword", c.StaffPassword.Reveal(), maxName)
	if strings.ContainsAny(c.StaffDomain, `\:`) {
		chk.Add("Config.StaffDomain", `must not contain a backslash or colon (the login sends "DOMAIN\user:password")`)
	}
	if strings.Contains(c.StaffUserName, ":") {
		chk.Add("Config.StaffUserName", `must not contain a colon (the login sends "DOMAIN\user:password")`)
	}
	for _, p := range c.AlreadyAppliedPhrases {
		chk.Text("Config.AlreadyAppliedPhrases", p, maxCardText)
	}
	return base, chk.Err(partner, "New")
}
