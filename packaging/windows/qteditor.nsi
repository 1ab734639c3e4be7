; NSIS installer for qteditor (Windows). Compile with:
;   makensis -DVERSION=0.1.0 -DSOURCE_DIR=build\pyinstaller\dist\qteditor -DOUTFILE=dist\qteditor-0.1.0-setup.exe packaging\windows\qteditor.nsi
Unicode true
!include "MUI2.nsh"

!ifndef VERSION
  !define VERSION "0.0.0"
!endif
!ifndef SOURCE_DIR
  !define SOURCE_DIR "..\..\build\pyinstaller\dist\qteditor"
!endif
!ifndef OUTFILE
  !define OUTFILE "qteditor-${VERSION}-setup.exe"
!endif

Name "qteditor ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\qteditor"
InstallDirRegKey HKLM "Software\qteditor" "InstallDir"
RequestExecutionLevel admin
SetCompressor /SOLID lzma

!define MUI_ABORTWARNING
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

Section "qteditor (required)" SecMain
  SectionIn RO
  SetOutPath "$INSTDIR"
  File /r "${SOURCE_DIR}\*.*"
  WriteRegStr HKLM "Software\qteditor" "InstallDir" "$INSTDIR"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateDirectory "$SMPROGRAMS\qteditor"
  CreateShortcut "$SMPROGRAMS\qteditor\qteditor.lnk" "$INSTDIR\qteditor.exe"
  CreateShortcut "$SMPROGRAMS\qteditor\Uninstall qteditor.lnk" "$INSTDIR\uninstall.exe"
  !define UNINST "Software\Microsoft\Windows\CurrentVersion\Uninstall\qteditor"
  WriteRegStr HKLM "${UNINST}" "DisplayName" "qteditor"
  WriteRegStr HKLM "${UNINST}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINST}" "Publisher" "qteditor developers"
  WriteRegStr HKLM "${UNINST}" "DisplayIcon" "$INSTDIR\qteditor.exe"
  WriteRegStr HKLM "${UNINST}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegDWORD HKLM "${UNINST}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINST}" "NoRepair" 1
SectionEnd

Section /o "Open .md files with qteditor" SecAssoc
  WriteRegStr HKCR ".md\OpenWithProgids" "qteditor.md" ""
  WriteRegStr HKCR "qteditor.md" "" "Markdown entry"
  WriteRegStr HKCR "qteditor.md\DefaultIcon" "" "$INSTDIR\qteditor.exe,0"
  WriteRegStr HKCR "qteditor.md\shell\open\command" "" '"$INSTDIR\qteditor.exe" "%1"'
  WriteRegStr HKLM "Software\qteditor" "Association" "1"
SectionEnd

LangString DESC_SecMain ${LANG_ENGLISH} "The editor and everything it needs."
LangString DESC_SecAssoc ${LANG_ENGLISH} "Offer qteditor for .md files in Explorer's Open with."
!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecMain} $(DESC_SecMain)
  !insertmacro MUI_DESCRIPTION_TEXT ${SecAssoc} $(DESC_SecAssoc)
!insertmacro MUI_FUNCTION_DESCRIPTION_END

Section "Uninstall"
  ReadRegStr $0 HKLM "Software\qteditor" "Association"
  StrCmp $0 "1" 0 +3
    DeleteRegKey HKCR "qteditor.md"
    DeleteRegValue HKCR ".md\OpenWithProgids" "qteditor.md"
  Delete "$SMPROGRAMS\qteditor\qteditor.lnk"
  Delete "$SMPROGRAMS\qteditor\Uninstall qteditor.lnk"
  RMDir "$SMPROGRAMS\qteditor"
  RMDir /r "$INSTDIR"
  DeleteRegKey HKLM "Software\Microsoft\Windows\CurrentVersion\Uninstall\qteditor"
  DeleteRegKey HKLM "Software\qteditor"
SectionEnd
