package spark_test

import "strings"

// The documents SPARK puts into <xmlData>, before escaping. They follow the
// shape of real short reports (shared/docs/external-services.md §4),
// including elements the client does not read.

const (
	sberINN       = "7707083893"
	ipINN         = "771234567859"
	liquidatedINN = "5012345672"
	starsINN      = "7801122331"
	missingINN    = "6321000010"
)

// sberDoc is a large acting company with a low due diligence index.
const sberDoc = `<?xml version="1.0" encoding="UTF-8"?>
<Response>
  <Data>
    <Report ActualDate="2025-06-02">
      <SparkID>6013</SparkID>
      <CompanyType>1</CompanyType>
      <Status IsActing="1" Code="24" Type="Действующее" GroupId="1" GroupName="Действующее" Date="2025-06-02"/>
      <EGRPOIncluded>true</EGRPOIncluded>
      <IsActing>true</IsActing>
      <DateFirstReg>1991-06-20</DateFirstReg>
      <ShortNameRus>ПАО СБЕРБАНК</ShortNameRus>
      <ShortNameEn>SBERBANK</ShortNameEn>
      <FullNameRus>ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО "СБЕРБАНК РОССИИ"</FullNameRus>
      <INN>7707083893</INN>
      <KPP>773601001</KPP>
      <OGRN>1027700132195</OGRN>
      <OKPO>00032537</OKPO>
      <FCSMCode>01481-B</FCSMCode>
      <OKATO Code="45293554000" RegionName="Москва" RegionCode="45"/>
      <OKTMO Code="45397000000"/>
      <OKOPF Code="47" CodeNew="12247" Name="Публичные акционерные общества"/>
      <OKVED2List>
        <OKVED Code="64.92" Name="Предоставление прочих видов кредита" IsMain="false"/>
        <OKVED Code="64.19" Name="Денежное посредничество прочее" IsMain="true"/>
      </OKVED2List>
      <CharterCapital>67760844000</CharterCapital>
      <LeaderList>
        <Leader ActualDate="2024-11-29" FIO="Греф Герман Оскарович" Position="президент, председатель правления" INN="770303580308"/>
      </LeaderList>
      <LegalAddresses>
        <Address PostCode="117312" Address="г. Москва, ул. Вавилова, д. 19" Region="г. Москва" City="г. Москва" StreetName="ул. Вавилова" BuildingType="д." BuildingNumber="19" FiasGUID="9b0fcf5b-9cdc-4e33-a2b6-fa3bab6a4c38" ActualDate="2019-03-11"/>
      </LegalAddresses>
      <PhoneList>
        <Phone Code="495" Number="5005550" VerificationDate="2024-05-19"/>
      </PhoneList>
      <IndexOfDueDiligence Index="2" IndexDesc="Низкий риск"/>
      <AccessibleFinData>
        <Period IDPeriod="571" Name="2024" EndDate="2024-12-31"/>
      </AccessibleFinData>
      <CompanyWithSameInfo>
        <TelephoneCount PhoneCode="495" PhoneNumber="5005550">12</TelephoneCount>
        <AddressCount>3</AddressCount>
        <AddressWithoutRoomCount>4</AddressWithoutRoomCount>
        <ManagerCountInCountry>2</ManagerCountInCountry>
        <ManagerCountInRegion>2</ManagerCountInRegion>
      </CompanyWithSameInfo>
      <CompanyLiquidatedWithSameInfo>
        <AddressCount>2</AddressCount>
      </CompanyLiquidatedWithSameInfo>
      <SomethingAddedNextYear Flag="1">ignored</SomethingAddedNextYear>
    </Report>
  </Data>
  <ResultInfo ResultType="True" DateTime="2025-06-02T10:15:42" ExecutionTime="31"/>
</Response>`

// ipDoc is a sole proprietor on one negative and one neutral list.
const ipDoc = `<?xml version="1.0" encoding="UTF-8"?>
<Response>
  <Data>
    <Report>
      <SparkID>46126788</SparkID>
      <Status IsActing="1" Code="24" Text="Действующее" GroupId="1" GroupName="Действующее" Date="2019-05-22"/>
      <DateReg>2019-05-22</DateReg>
      <FullNameRus>Иванов Иван Иванович</FullNameRus>
      <INN>771234567859</INN>
      <OGRNIP>319774600178101</OGRNIP>
      <OKPO>0160364159</OKPO>
      <OKOPF Code="50102" Name="Индивидуальные предприниматели"/>
      <OKVED2List>
        <OKVED Code="49.41" Name="Деятельность автомобильного грузового транспорта" IsMain="1"/>
      </OKVED2List>
      <Sex Code="1" Name="мужской"/>
      <Citizenship Code="643" Name="Российская Федерация"/>
      <IncludeInList>
        <ListName Id="1" IsNegative="0">Реестр субъектов малого и среднего предпринимательства
            <AddInfo>
                <AddField Name="Category">Микропредприятие</AddField>
            </AddInfo>
        </ListName>
        <ListName Id="31" IsNegative="1">Реестр недобросовестных
            поставщиков</ListName>
      </IncludeInList>
    </Report>
  </Data>
  <ResultInfo ResultType="True" DateTime="2025-06-02T10:16:01" ExecutionTime="22"/>
</Response>`

// liquidatedDoc is a liquidated shell company: high due diligence index,
// mass address and mass director.
const liquidatedDoc = `<?xml version="1.0" encoding="UTF-8"?>
<Response>
  <Data>
    <Report ActualDate="2025-06-02">
      <SparkID>9912345</SparkID>
      <CompanyType>1</CompanyType>
      <Status IsActing="0" Code="31" Type="Ликвидировано" GroupId="2" GroupName="Недействующее" Date="2021-03-15"/>
      <IsActing>false</IsActing>
      <DateFirstReg>2017-02-01</DateFirstReg>
      <ShortNameRus>ООО "РОГА И КОПЫТА"</ShortNameRus>
      <FullNameRus>ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "РОГА И КОПЫТА"</FullNameRus>
      <INN>5012345672</INN>
      <KPP>501201001</KPP>
      <OGRN>1175012000011</OGRN>
      <LeaderList>
        <Leader FIO="Петров Пётр Петрович" Position="генеральный директор"/>
      </LeaderList>
      <LegalAddresses>
        <Address Address="Московская обл., г. Балашиха, ул. Советская, д. 1, оф. 3"/>
      </LegalAddresses>
      <IndexOfDueDiligence Index="85" IndexDesc="Высокий риск"/>
      <CompanyWithSameInfo>
        <AddressCount>57</AddressCount>
        <ManagerCountInCountry>23</ManagerCountInCountry>
      </CompanyWithSameInfo>
    </Report>
  </Data>
  <ResultInfo ResultType="True" DateTime="2025-06-02T10:17:30" ExecutionTime="40"/>
</Response>`

// starsDoc hides most values behind "*": outside the subscription.
const starsDoc = `<?xml version="1.0" encoding="UTF-8"?>
<Response>
  <Data>
    <Report ActualDate="2025-06-02">
      <SparkID>*</SparkID>
      <Status IsActing="*" Code="*" Type="*"/>
      <IsActing>true</IsActing>
      <DateFirstReg>*</DateFirstReg>
      <ShortNameRus>ООО "ЗВЕЗДА"</ShortNameRus>
      <FullNameRus>*</FullNameRus>
      <INN>7801122331</INN>
      <KPP>*</KPP>
      <OGRN>1027800000000</OGRN>
      <CharterCapital>*</CharterCapital>
      <OKVED2List>
        <OKVED Code="*" Name="*" IsMain="true"/>
      </OKVED2List>
      <LeaderList>
        <Leader FIO="*" Position="*"/>
      </LeaderList>
      <IndexOfDueDiligence Index="*" IndexDesc="*"/>
      <CompanyWithSameInfo>
        <AddressCount>*</AddressCount>
        <ManagerCountInCountry>*</ManagerCountInCountry>
      </CompanyWithSameInfo>
    </Report>
  </Data>
  <ResultInfo ResultType="True" DateTime="2025-06-02T10:18:00" ExecutionTime="12"/>
</Response>`

// statusDoc is a minimal company report with the given Status attributes.
func statusDoc(inn, statusAttrs string) string {
	return strings.NewReplacer("{inn}", inn, "{status}", statusAttrs).Replace(`<?xml version="1.0" encoding="UTF-8"?>
<Response><Data><Report><Status {status}/><ShortNameRus>ООО "СТАТУС"</ShortNameRus><INN>{inn}</INN></Report></Data>
<ResultInfo ResultType="True" DateTime="2025-06-02T10:19:00" ExecutionTime="10"/></Response>`)
}

// notFoundDoc is SPARK's answer for an INN it does not know.
const notFoundDoc = `<?xml version="1.0" encoding="UTF-8"?>
<Response>
  <ResultInfo ResultType="Data not found" DateTime="2025-06-02T10:20:00" ExecutionTime="8"/>
</Response>`

// emptyDoc has a successful result but no report.
const emptyDoc = `<?xml version="1.0" encoding="UTF-8"?>
<Response><Data/><ResultInfo ResultType="True" DateTime="2025-06-02T10:20:00" ExecutionTime="8"/></Response>`

// authErrorDoc is the in-band answer to a call without a live session.
const authErrorDoc = `<?xml version="1.0" encoding="UTF-8"?>
<Response>
  <ResultInfo ResultType="Authentication error" DateTime="2025-06-02T10:21:00" ExecutionTime="15" />
</Response>`

// faultBody is an ASMX SOAP Fault, sent with HTTP 500.
const faultBody = `<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <soap:Body>
    <soap:Fault>
      <faultcode>soap:Server</faultcode>
      <faultstring>Server was unable to process request. ---&gt; Object reference not set to an instance of an object.</faultstring>
      <detail />
    </soap:Fault>
  </soap:Body>
</soap:Envelope>`
